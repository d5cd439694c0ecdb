/**
 * Bulk import from CSV: per-row sentences for rows refused (nothing created for them), the
 * created screens' credentials downloadable as a CSV, once. Importing the same file again is
 * safe: screens already created are found by id and reported, not created twice.
 */
import { useState } from 'react';
import { IMPORT_COLUMNS, type ImportScreensResponse } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Dialog, downloadFile, messageOf } from './Dialog';

const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);

function credentialsCsv(result: ImportScreensResponse): string {
  const lines = ['id,username,password,broker_url'];
  for (const { screen, credentials } of result.created)
    lines.push(
      [screen.id, credentials.username, credentials.password, result.brokerUrl]
        .map(quote)
        .join(','),
    );
  return `${lines.join('\n')}\n`;
}

export function ImportScreensDialog({ onClose }: { onClose: () => void }) {
  const [csv, setCsv] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<ImportScreensResponse | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      setResult(await consoleApi.importScreens({ csv }));
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  if (result)
    return (
      <Dialog title="Import finished" testId="import-result" onClose={onClose}>
        <p data-testid="import-summary">
          {result.created.length} screen{result.created.length === 1 ? '' : 's'} created
          {result.alreadyRegistered.length > 0 &&
            `, ${result.alreadyRegistered.length} already registered by an earlier import (unchanged)`}
          {result.errors.length > 0 &&
            `, ${result.errors.length} row${result.errors.length === 1 ? '' : 's'} refused`}
          .
        </p>
        {result.errors.length > 0 && (
          <ul className="import-errors" data-testid="import-errors">
            {result.errors.map((e) => (
              <li key={e.row} data-testid="import-error" data-row={e.row}>
                {e.message}
              </li>
            ))}
          </ul>
        )}
        {result.created.length > 0 && (
          <p className="secret-once">
            The passwords of the created screens are shown only now: download them before closing.
            Once closed they are gone; rotating a screen&apos;s credentials makes new ones.
          </p>
        )}
        <div className="button-row">
          {result.created.length > 0 && (
            <button
              type="button"
              className="button primary"
              data-testid="import-download-credentials"
              onClick={() =>
                downloadFile('marquee-screen-credentials.csv', credentialsCsv(result), 'text/csv')
              }
            >
              Download credentials (CSV)
            </button>
          )}
          <button type="button" className="button" data-testid="import-close" onClick={onClose}>
            Close
          </button>
        </div>
      </Dialog>
    );

  return (
    <Dialog title="Import screens from CSV" testId="import-screens-dialog" onClose={onClose}>
      <p className="form-hint">
        First line: <code>{IMPORT_COLUMNS.join(',')}</code>. One screen per line; every row needs an
        id; tags are separated by <code>;</code>. Bad rows are reported and skipped.
      </p>
      <label className="field">
        <span>CSV file</span>
        <input
          type="file"
          accept=".csv,text/csv"
          data-testid="import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void file.text().then(setCsv);
          }}
        />
      </label>
      <label className="field">
        <span>Or paste it</span>
        <textarea data-testid="import-csv" value={csv} onChange={(e) => setCsv(e.target.value)} />
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="import-error-file">
          {error}
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="button primary"
          disabled={busy}
          data-testid="import-submit"
          onClick={() => void submit()}
        >
          Import
        </button>
        <button type="button" className="button ghost" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}
