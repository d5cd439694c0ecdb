/** Create or edit a route: which alarms (tags, severity, kinds), whom (a chain), how, when. */
import { useState, type FormEvent } from 'react';
import type { AlertRoute, AlertRouteInput, FaultSeverity } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { errorText, splitList, type AlertingData } from './use-alerting';

interface Draft {
  name: string;
  enabled: boolean;
  tags: string;
  minSeverity: FaultSeverity;
  kinds: string;
  /** "user:ID" or "group:ID" */
  steps: string[];
  escalate: string;
  quietHours: 'hold' | 'escalate';
  console: boolean;
  email: boolean;
  webhookIds: string[];
}

const draftOf = (r: AlertRoute | null): Draft => ({
  name: r?.name ?? '',
  enabled: r?.enabled ?? true,
  tags: r?.tags.join(', ') ?? '',
  minSeverity: r?.minSeverity ?? 'warning',
  kinds: r?.kinds.join(', ') ?? '',
  steps: r?.steps.map((s) => `${s.type}:${s.id}`) ?? [''],
  escalate: r?.escalateAfterMinutes ? String(r.escalateAfterMinutes) : '',
  quietHours: r?.quietHours ?? 'hold',
  console: r?.channels.console ?? true,
  email: r?.channels.email ?? false,
  webhookIds: r?.webhookIds ?? [],
});

function inputOf(d: Draft): AlertRouteInput {
  return {
    name: d.name,
    enabled: d.enabled,
    tags: splitList(d.tags),
    minSeverity: d.minSeverity,
    kinds: splitList(d.kinds),
    steps: d.steps.filter(Boolean).map((s) => {
      const [type, ...id] = s.split(':');
      return { type: type as 'user' | 'group', id: id.join(':') };
    }),
    escalateAfterMinutes: d.escalate.trim() ? Number(d.escalate) : null,
    quietHours: d.quietHours,
    channels: { console: d.console, email: d.email },
    webhookIds: d.webhookIds,
  };
}

export function RouteForm({
  route,
  data,
  onSaved,
  onCancel,
}: {
  route: AlertRoute | null;
  data: AlertingData;
  onSaved: () => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => draftOf(route));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<Draft>) => setD((old) => ({ ...old, ...patch }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await consoleApi.alertingSaveRoute({ id: route?.id, route: inputOf(d) });
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel alerting-form"
      data-testid="route-form"
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h2>{route ? `Edit route “${route.name}”` : 'New route'}</h2>
      <div className="alerting-grid">
        <label className="field">
          <span>Name</span>
          <input
            data-testid="route-name"
            value={d.name}
            onChange={(e) => set({ name: e.target.value })}
          />
        </label>
        <label className="field">
          <span>Screen tags (comma-separated; empty: every screen)</span>
          <input
            data-testid="route-tags"
            value={d.tags}
            placeholder="region:north, site:Harbour"
            spellCheck={false}
            onChange={(e) => set({ tags: e.target.value })}
          />
        </label>
        <label className="select-field block">
          <span>Least severity</span>
          <select
            data-testid="route-severity"
            value={d.minSeverity}
            onChange={(e) => set({ minSeverity: e.target.value as FaultSeverity })}
          >
            <option value="info">Info and above</option>
            <option value="warning">Warning and above</option>
            <option value="critical">Critical only</option>
          </select>
        </label>
        <label className="field">
          <span>Alarm kinds (comma-separated; empty: every kind)</span>
          <input
            data-testid="route-kinds"
            value={d.kinds}
            placeholder="lost, offline, fault"
            spellCheck={false}
            onChange={(e) => set({ kinds: e.target.value })}
          />
        </label>
      </div>
      <fieldset className="alerting-fieldset">
        <legend>Who, in order (the next one after the escalation time, unacknowledged)</legend>
        {d.steps.map((step, i) => (
          <div className="alerting-step" key={i}>
            <span className="muted">{i + 1}.</span>
            <select
              data-testid={`route-step-${i}`}
              aria-label={`Step ${i + 1}`}
              value={step}
              onChange={(e) =>
                set({ steps: d.steps.map((s, j) => (j === i ? e.target.value : s)) })
              }
            >
              <option value="">Choose a person or group…</option>
              <optgroup label="People">
                {data.contacts.map((c) => (
                  <option key={c.userId} value={`user:${c.userId}`}>
                    {c.name} ({c.role})
                  </option>
                ))}
              </optgroup>
              <optgroup label="On-call groups">
                {data.groups.map((g) => (
                  <option key={g.id} value={`group:${g.id}`}>
                    {g.name}
                  </option>
                ))}
              </optgroup>
            </select>
            {d.steps.length > 1 && (
              <button
                type="button"
                className="button ghost"
                onClick={() => set({ steps: d.steps.filter((_, j) => j !== i) })}
              >
                Remove
              </button>
            )}
          </div>
        ))}
        <button
          type="button"
          className="button ghost"
          data-testid="route-add-step"
          onClick={() => set({ steps: [...d.steps, ''] })}
        >
          Add a next step
        </button>
        <label className="field inline">
          <span>Escalate after (minutes unacknowledged; empty: never)</span>
          <input
            data-testid="route-escalate"
            inputMode="numeric"
            value={d.escalate}
            onChange={(e) => set({ escalate: e.target.value })}
          />
        </label>
        <label className="select-field block">
          <span>In quiet hours</span>
          <select
            data-testid="route-quiet"
            value={d.quietHours}
            onChange={(e) => set({ quietHours: e.target.value as Draft['quietHours'] })}
          >
            <option value="hold">Hold the message until they are back</option>
            <option value="escalate">Pass it to the next step at once</option>
          </select>
        </label>
      </fieldset>
      <fieldset className="alerting-fieldset">
        <legend>How</legend>
        <label className="check">
          <input
            type="checkbox"
            data-testid="route-console"
            checked={d.console}
            onChange={(e) => set({ console: e.target.checked })}
          />
          Console notification
        </label>
        <label className="check">
          <input
            type="checkbox"
            data-testid="route-email"
            checked={d.email}
            onChange={(e) => set({ email: e.target.checked })}
          />
          E-mail{data.status && !data.status.email.enabled ? ' (off on this server)' : ''}
        </label>
        {data.webhooks.map((h) => (
          <label className="check" key={h.id}>
            <input
              type="checkbox"
              checked={d.webhookIds.includes(h.id)}
              onChange={(e) =>
                set({
                  webhookIds: e.target.checked
                    ? [...d.webhookIds, h.id]
                    : d.webhookIds.filter((x) => x !== h.id),
                })
              }
            />
            Webhook “{h.name}” ({h.format})
          </label>
        ))}
        <label className="check">
          <input
            type="checkbox"
            data-testid="route-enabled"
            checked={d.enabled}
            onChange={(e) => set({ enabled: e.target.checked })}
          />
          Route is on
        </label>
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="route-error">
          {error}
        </p>
      )}
      <div className="alerting-actions">
        <button type="submit" className="button primary" data-testid="route-save" disabled={busy}>
          {busy ? 'Saving…' : 'Save route'}
        </button>
        <button type="button" className="button ghost" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
