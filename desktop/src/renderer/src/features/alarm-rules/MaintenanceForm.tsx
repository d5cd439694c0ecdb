/** Put a tag or a screen in maintenance until a time (admins). */
import { useState, type FormEvent } from 'react';
import { consoleApi } from '../../../console-api-client';
import { TargetField } from './RuleForm';
import { message } from './use-alarm-rules';

/** `datetime-local`'s value for a time (local clock, minutes). */
export function localInput(ts: number): string {
  const d = new Date(ts);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function MaintenanceForm({
  tags,
  screens,
  onSaved,
}: {
  tags: string[];
  screens: { id: string; name: string }[];
  onSaved(): void;
}) {
  const [scope, setScope] = useState<'tag' | 'screen'>('screen');
  const [target, setTarget] = useState('');
  const [until, setUntil] = useState(() => localInput(Date.now() + 2 * 3600_000));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const endsAt = new Date(until).getTime();
    if (!target.trim()) return setError('Choose the screen or tag to put in maintenance.');
    if (!Number.isFinite(endsAt))
      return setError('Give the end of maintenance as a date and time.');
    if (endsAt <= Date.now()) return setError('The end of maintenance must be in the future.');
    if (!reason.trim()) return setError('Say why (a reason is required).');
    setBusy(true);
    setError(null);
    try {
      await consoleApi.putMaintenance({
        scope,
        target: target.trim(),
        endsAt,
        reason: reason.trim(),
      });
      setTarget('');
      setReason('');
      onSaved();
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel"
      noValidate
      onSubmit={(e) => void submit(e)}
      data-testid="maintenance-form"
      aria-labelledby="maintenance-form-title"
    >
      <h2 id="maintenance-form-title">Maintenance</h2>
      <p className="muted">A screen in maintenance raises no alarms until the end time.</p>
      <TargetField
        prefix="maintenance"
        scope={scope}
        target={target}
        tags={tags}
        screens={screens}
        onChange={(s, t) => {
          setScope(s);
          setTarget(t);
        }}
      />
      <div className="alarm-rules-fields">
        <label className="field">
          <span>Until</span>
          <input
            type="datetime-local"
            data-testid="maintenance-until"
            value={until}
            onChange={(e) => setUntil(e.target.value)}
          />
        </label>
        <label className="field">
          <span>Reason</span>
          <input
            data-testid="maintenance-reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          />
        </label>
      </div>
      {error && (
        <p className="form-error" role="alert" data-testid="maintenance-error">
          {error}
        </p>
      )}
      <div className="button-row">
        <button
          type="submit"
          className="button primary"
          data-testid="maintenance-save"
          disabled={busy}
        >
          {busy ? 'Saving…' : 'Start maintenance'}
        </button>
      </div>
    </form>
  );
}
