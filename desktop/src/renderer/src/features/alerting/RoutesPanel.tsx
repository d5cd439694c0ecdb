/** Routes: the list (what each takes, whom it reaches) and the form to add, edit or delete. */
import { useState } from 'react';
import type { AlertRoute } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { RouteForm } from './RouteForm';
import { errorText, type AlertingData } from './use-alerting';

export function RoutesPanel({ data, reload }: { data: AlertingData; reload: () => Promise<void> }) {
  const [editing, setEditing] = useState<AlertRoute | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const nameOf = (type: string, id: string) =>
    type === 'group'
      ? `group ${data.groups.find((g) => g.id === id)?.name ?? id}`
      : (data.contacts.find((c) => c.userId === id)?.name ?? id);

  const remove = async (r: AlertRoute) => {
    if (!window.confirm(`Delete route “${r.name}”?`)) return;
    try {
      await consoleApi.alertingDeleteRoute({ id: r.id });
      await reload();
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <div>
      {editing ? (
        <RouteForm
          key={editing === 'new' ? 'new' : editing.id}
          route={editing === 'new' ? null : editing}
          data={data}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            void reload();
          }}
        />
      ) : (
        <button
          type="button"
          className="button primary"
          data-testid="route-new"
          onClick={() => setEditing('new')}
        >
          New route
        </button>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {data.routes.length === 0 ? (
        <Empty>
          No routes yet: every alarm goes to every operator’s and admin’s console. A route sends the
          alarms of some screens to chosen people, by e-mail and webhooks too.
        </Empty>
      ) : (
        <ul className="alerting-list" data-testid="route-list">
          {data.routes.map((r) => (
            <li
              key={r.id}
              className="alerting-item"
              data-testid="route-row"
              data-route-name={r.name}
            >
              <div>
                <strong>{r.name}</strong>
                {!r.enabled && <span className="alerting-tag off">off</span>}
                <div className="muted">
                  {r.tags.length ? r.tags.join(', ') : 'every screen'} · {r.minSeverity} and up
                  {r.kinds.length ? ` · ${r.kinds.join(', ')}` : ''}
                </div>
                <div data-testid="route-steps">
                  {r.steps.map((s) => nameOf(s.type, s.id)).join(' → ')}
                  {r.escalateAfterMinutes ? ` (next after ${r.escalateAfterMinutes} min)` : ''}
                  {' · '}
                  {[
                    r.channels.console && 'console',
                    r.channels.email && 'e-mail',
                    r.webhookIds.length &&
                      `${r.webhookIds.length} webhook${r.webhookIds.length === 1 ? '' : 's'}`,
                  ]
                    .filter(Boolean)
                    .join(', ')}
                  {' · quiet hours: '}
                  {r.quietHours === 'hold' ? 'hold' : 'pass on'}
                </div>
              </div>
              <div className="alerting-actions">
                <button type="button" className="button ghost" onClick={() => setEditing(r)}>
                  Edit
                </button>
                <button
                  type="button"
                  className="button ghost danger"
                  onClick={() => void remove(r)}
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
