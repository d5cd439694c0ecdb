/**
 * Screenshot schedules (reached from the fleet wall's admin actions and a screen's
 * screenshots): "a screenshot every N minutes of each online screen tagged X". Operators see
 * them; admins set, change and remove them. Input is judged by the server and its sentence is
 * shown as it is; the tags offered are those the fleet's screens carry, any other may be typed.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { Empty } from '../../components/common';
import { when } from '../../format';
import { can } from '../../state/permissions';
import { useConsole } from '../../state/store';
import { useScreenshotSchedules } from './use-screenshot-schedules';
import './screenshots.css';

function everyText(minutes: number): string {
  if (minutes % 1440 === 0) return minutes === 1440 ? 'every day' : `every ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'every hour' : `every ${minutes / 60} hours`;
  return minutes === 1 ? 'every minute' : `every ${minutes} minutes`;
}

function useFleetTags() {
  const screens = useConsole((s) => s.screens);
  return useMemo(() => {
    const counts = new Map<string, number>();
    for (const s of screens.values())
      if (!s.retired) for (const t of s.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    return counts;
  }, [screens]);
}

export function ScreenshotSchedulesView() {
  const user = useConsole((s) => s.user);
  const admin = can(user, 'manageScreens');
  const live = useConsole((s) => s.connection.status === 'live');
  const tags = useFleetTags();
  const { schedules, loadError, set, remove } = useScreenshotSchedules();
  const [tag, setTag] = useState('');
  const [minutes, setMinutes] = useState('60');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    // Sent as typed (a number when it reads as one): the range is the server's to judge.
    const everyMinutes = minutes.trim() === '' ? Number.NaN : Number(minutes);
    const problem = Number.isFinite(everyMinutes)
      ? await set(tag, everyMinutes)
      : 'The interval must be a number of minutes.';
    setBusy(false);
    if (problem) return setError(problem);
    setDone(`Screens tagged ${tag.trim()} are captured ${everyText(everyMinutes)}.`);
    setTag('');
  };

  const unschedule = async (t: string) => {
    setError(null);
    setDone(null);
    const problem = await remove(t);
    if (problem) setError(problem);
    else setDone(`No more scheduled screenshots of screens tagged ${t}.`);
  };

  return (
    <section className="screenshot-schedules-view" aria-labelledby="shot-schedules-title">
      <div className="page-header">
        <h1 id="shot-schedules-title">Screenshot schedules</h1>
      </div>
      <p className="muted">
        The server asks each online screen with the tag for a screenshot when its newest one is
        older than the interval (a screen with several scheduled tags follows the shortest). They
        show in the screen&apos;s detail, marked “scheduled”.
      </p>
      {!live && (
        <p className="muted" role="status" data-testid="shot-schedules-offline">
          Schedules are kept by the server: they show again when the console is back online.
        </p>
      )}
      {loadError && (
        <p className="form-error" role="alert" data-testid="shot-schedules-load-error">
          {loadError}
        </p>
      )}
      {admin && (
        <form
          className="panel shot-schedule-form"
          aria-labelledby="shot-schedule-form-title"
          onSubmit={(e) => void submit(e)}
        >
          <h2 id="shot-schedule-form-title">Schedule screenshots of a tag</h2>
          <div className="shot-schedule-fields">
            <label className="field">
              <span>Tag</span>
              <input
                type="text"
                list="shot-schedule-tags"
                spellCheck={false}
                data-testid="shot-schedule-tag"
                value={tag}
                onChange={(e) => setTag(e.target.value)}
              />
              <datalist id="shot-schedule-tags">
                {[...tags.keys()].sort().map((t) => (
                  <option key={t} value={t} />
                ))}
              </datalist>
            </label>
            <label className="field">
              <span>Every (minutes)</span>
              <input
                type="text"
                inputMode="numeric"
                data-testid="shot-schedule-minutes"
                value={minutes}
                onChange={(e) => setMinutes(e.target.value)}
              />
            </label>
            <button
              type="submit"
              className="button primary"
              data-testid="shot-schedule-save"
              disabled={busy}
            >
              {busy ? 'Saving…' : 'Save schedule'}
            </button>
          </div>
          {tag.trim() && !tags.has(tag.trim()) && (
            <p className="muted" data-testid="shot-schedule-unknown-tag">
              No screen carries this tag yet; the schedule applies once one does.
            </p>
          )}
        </form>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="shot-schedule-error">
          {error}
        </p>
      )}
      {done && (
        <p className="muted" role="status" data-testid="shot-schedule-done">
          {done}
        </p>
      )}
      <section className="panel" aria-labelledby="shot-schedule-list-title">
        <h2 id="shot-schedule-list-title">Scheduled tags</h2>
        {schedules === null ? (
          !loadError && <p className="muted">Loading…</p>
        ) : schedules.length === 0 ? (
          <Empty>No tag is scheduled: screenshots are taken only on request.</Empty>
        ) : (
          <table className="shot-schedule-table" data-testid="shot-schedule-list">
            <thead>
              <tr>
                <th scope="col">Tag</th>
                <th scope="col">Screenshot</th>
                <th scope="col">Screens</th>
                <th scope="col">Changed</th>
                {admin && <th scope="col" aria-label="Actions" />}
              </tr>
            </thead>
            <tbody>
              {schedules.map((s) => (
                <tr
                  key={s.tag}
                  data-testid="shot-schedule-row"
                  data-tag={s.tag}
                  data-every-minutes={s.everyMinutes}
                >
                  <td className="mono">{s.tag}</td>
                  <td>{everyText(s.everyMinutes)}</td>
                  <td>{tags.get(s.tag) ?? 0}</td>
                  <td>{when(s.updatedAt)}</td>
                  {admin && (
                    <td>
                      <button
                        type="button"
                        className="button ghost small"
                        data-testid="shot-schedule-edit"
                        onClick={() => (setTag(s.tag), setMinutes(String(s.everyMinutes)))}
                      >
                        Change
                      </button>{' '}
                      <button
                        type="button"
                        className="button ghost small danger"
                        data-testid="shot-schedule-delete"
                        onClick={() => void unschedule(s.tag)}
                      >
                        Remove
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </section>
  );
}
