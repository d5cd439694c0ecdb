/**
 * The audit log (admins): who did what, when, to what. Searched on the server, so the view
 * needs the console to be live; it says so otherwise rather than show an empty list.
 */
import { useMemo, useRef, useState } from 'react';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { useConsole } from '../../state/store';
import { AuditEntryRow } from './AuditEntryRow';
import { AuditFiltersBar, type ActorOption } from './AuditFiltersBar';
import { NO_FILTERS, filtersProblem, toRequest, type AuditFilters } from './audit-filters';
import { useAuditLog } from './use-audit-log';
import './audit.css';

function useExport(filters: AuditFilters) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    const problem = filtersProblem(filters);
    if (problem) return setError(problem);
    setBusy(true);
    setError(null);
    consoleApi
      .exportAuditCsv(toRequest(filters))
      .then(({ csv, filename }) => {
        const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  return { busy, error, run };
}

export function AuditView() {
  const live = useConsole((s) => s.connection.status === 'live');
  const [filters, setFilters] = useState<AuditFilters>(NO_FILTERS);
  const log = useAuditLog(filters, live);
  const csv = useExport(filters);

  // Everyone who appeared in any answer so far, for the "Who" menu.
  const actorsSeen = useRef(new Map<string, string>());
  const actors: ActorOption[] = useMemo(() => {
    for (const e of log.entries) if (e.actor.id) actorsSeen.current.set(e.actor.id, e.actor.name);
    return [...actorsSeen.current].map(([id, name]) => ({ id, name }));
  }, [log.entries]);

  return (
    <section className="audit-view" aria-labelledby="audit-title" data-testid="audit-view">
      <div className="page-header">
        <h1 id="audit-title">Audit log</h1>
        <div className="page-header-tools">
          <button
            type="button"
            className="button"
            data-testid="audit-export"
            disabled={!live || csv.busy}
            onClick={csv.run}
          >
            {csv.busy ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>
      <p className="muted audit-intro">
        Every administrative and operator action, newest first. Entries cannot be edited or removed.
      </p>
      {!live ? (
        <Empty>
          <span data-testid="audit-offline">
            The audit log needs the server: it is searched there, not kept on this console. It opens
            again once the console is live.
          </span>
        </Empty>
      ) : (
        <>
          <AuditFiltersBar filters={filters} actors={actors} onChange={setFilters} />
          {(log.error ?? csv.error) && (
            <p className="form-error" role="alert" data-testid="audit-error">
              {log.error ?? csv.error}
            </p>
          )}
          {log.entries.length === 0 && !log.loading && !log.error && (
            <Empty>
              {JSON.stringify(filters) === JSON.stringify(NO_FILTERS)
                ? 'Nothing has been recorded yet.'
                : 'No entry matches these filters.'}
            </Empty>
          )}
          <ol className="audit-list" aria-busy={log.loading} data-testid="audit-list">
            {log.entries.map((e) => (
              <AuditEntryRow key={e.seq} entry={e} />
            ))}
          </ol>
          <div className="button-row">
            {log.nextBefore !== null && (
              <button
                type="button"
                className="button ghost"
                data-testid="audit-older"
                disabled={log.loading}
                onClick={log.loadOlder}
              >
                Load older
              </button>
            )}
            {log.loading && (
              <span className="muted" role="status">
                Loading…
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
