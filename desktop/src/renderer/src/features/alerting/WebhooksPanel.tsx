/** Outgoing webhooks (admins): generic JSON, Slack or Teams; attached to routes. */
import { useState, type FormEvent } from 'react';
import type { Webhook, WebhookFormat } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { errorText, type AlertingData } from './use-alerting';

function WebhookForm({ hook, onDone }: { hook: Webhook | null; onDone: (saved: boolean) => void }) {
  const [name, setName] = useState(hook?.name ?? '');
  const [url, setUrl] = useState(hook?.url ?? '');
  const [format, setFormat] = useState<WebhookFormat>(hook?.format ?? 'json');
  const [enabled, setEnabled] = useState(hook?.enabled ?? true);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      await consoleApi.alertingSaveWebhook({
        id: hook?.id,
        webhook: { name, url, format, enabled },
      });
      onDone(true);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <form className="panel alerting-form" noValidate onSubmit={(e) => void submit(e)}>
      <h2>{hook ? `Edit “${hook.name}”` : 'New webhook'}</h2>
      <label className="field">
        <span>Name</span>
        <input data-testid="webhook-name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label className="field">
        <span>URL (http or https)</span>
        <input
          data-testid="webhook-url"
          value={url}
          spellCheck={false}
          onChange={(e) => setUrl(e.target.value)}
        />
      </label>
      <label className="select-field block">
        <span>Format</span>
        <select
          data-testid="webhook-format"
          value={format}
          onChange={(e) => setFormat(e.target.value as WebhookFormat)}
        >
          <option value="json">Generic JSON</option>
          <option value="slack">Slack (incoming webhook)</option>
          <option value="teams">Microsoft Teams (Workflows, Adaptive Card)</option>
        </select>
      </label>
      <label className="check">
        <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} />
        On
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="webhook-error">
          {error}
        </p>
      )}
      <div className="alerting-actions">
        <button type="submit" className="button primary" data-testid="webhook-save">
          Save webhook
        </button>
        <button type="button" className="button ghost" onClick={() => onDone(false)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

export function WebhooksPanel({
  data,
  reload,
}: {
  data: AlertingData;
  reload: () => Promise<void>;
}) {
  const [editing, setEditing] = useState<Webhook | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const remove = async (h: Webhook) => {
    if (!window.confirm(`Delete webhook “${h.name}”?`)) return;
    try {
      await consoleApi.alertingDeleteWebhook({ id: h.id });
      setError(null);
      await reload();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <div>
      {editing ? (
        <WebhookForm
          hook={editing === 'new' ? null : editing}
          onDone={(saved) => {
            setEditing(null);
            if (saved) void reload();
          }}
        />
      ) : (
        <button
          type="button"
          className="button primary"
          data-testid="webhook-new"
          onClick={() => setEditing('new')}
        >
          New webhook
        </button>
      )}
      {data.status && (
        <p className="muted">
          {data.status.webhooks.privateAddresses
            ? 'This server lets webhooks reach private addresses.'
            : 'Webhooks reach public addresses only (loopback and private networks are refused).'}
        </p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {data.webhooks.length === 0 ? (
        <Empty>No webhooks. Add one, then attach it to a route.</Empty>
      ) : (
        <ul className="alerting-list">
          {data.webhooks.map((h) => (
            <li key={h.id} className="alerting-item" data-testid="webhook-row">
              <div>
                <strong>{h.name}</strong> <span className="alerting-tag">{h.format}</span>
                {!h.enabled && <span className="alerting-tag off">off</span>}
                <div className="muted mono">{new URL(h.url).host}</div>
              </div>
              <div className="alerting-actions">
                <button type="button" className="button ghost" onClick={() => setEditing(h)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="button ghost danger"
                  onClick={() => void remove(h)}
                >
                  Delete
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
