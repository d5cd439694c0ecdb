/**
 * Settings → "Alarm hours": an operator's or admin's own time zone, quiet hours and working
 * hours, which decide when routed alarms reach them (held or passed on, as each route says).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { consoleApi } from '../../../console-api-client';
import { can } from '../../state/permissions';
import { useConsole } from '../../state/store';
import { ScheduleFields, draftOf, scheduleOf, type ScheduleDraft } from './ScheduleFields';
import { errorText } from './use-alerting';
import './alerting.css';

export function MyAlarmHours() {
  const user = useConsole((s) => s.user);
  const live = useConsole((s) => s.connection.status === 'live');
  const [draft, setDraft] = useState<ScheduleDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const staff = can(user, 'seeAlarms');

  useEffect(() => {
    if (!staff || !live) return;
    consoleApi.alertingMySchedule({}).then(
      (r) => setDraft(draftOf(r.contact)),
      (e: unknown) => setError(errorText(e)),
    );
  }, [staff, live]);
  if (!staff) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft) return;
    setError(null);
    setSaved(false);
    try {
      const r = await consoleApi.alertingSaveMySchedule({ schedule: scheduleOf(draft) });
      setDraft(draftOf(r.contact));
      setSaved(true);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <form className="panel" aria-labelledby="alarm-hours-title" onSubmit={(e) => void submit(e)}>
      <h2 id="alarm-hours-title">Alarm hours</h2>
      <p className="muted">
        When alarms routed to you reach you. In quiet hours (and outside working hours, when set)
        they wait until you are back, or go to the next person, as each route says.
      </p>
      {draft ? (
        <ScheduleFields draft={draft} onChange={setDraft} idPrefix="my-hours" />
      ) : (
        !error && <p className="muted">{live ? 'Loading…' : 'Needs the server (offline).'}</p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="my-hours-error">
          {error}
        </p>
      )}
      {saved && (
        <p className="muted" role="status" data-testid="my-hours-saved">
          Saved.
        </p>
      )}
      <button type="submit" className="button" data-testid="my-hours-save" disabled={!draft}>
        Save alarm hours
      </button>
    </form>
  );
}
