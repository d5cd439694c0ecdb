/** An alarm's notes, who wrote each and when, and the form to add one (issue 11). */
import { useState } from 'react';
import { ALARM_NOTE_MAX, type AlarmNote } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { when } from '../../format';

export function AlarmNotes({ alarmId, notes }: { alarmId: string; notes: AlarmNote[] }) {
  const [open, setOpen] = useState(false);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const add = async () => {
    setBusy(true);
    setError(null);
    try {
      await consoleApi.noteAlarm({ alarmId, body });
      setBody('');
      setOpen(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="alarm-notes">
      {notes.length > 0 && (
        <ul className="alarm-note-list" aria-label="Notes">
          {notes.map((n) => (
            <li key={n.id} data-testid="alarm-note">
              <span className="alarm-note-body">{n.body}</span>
              <span className="muted">
                {' '}
                — {n.authorName}, {when(n.createdAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {open ? (
        <form
          className="alarm-note-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add();
          }}
        >
          <textarea
            data-testid="alarm-note-input"
            aria-label="Note"
            rows={2}
            value={body}
            // Not capped by the browser: a pasted long note gets the sentence, not a silent cut.
            onChange={(e) => setBody(e.target.value)}
            placeholder={`What the next person should know (up to ${ALARM_NOTE_MAX} characters)`}
          />
          <div className="alarm-note-actions">
            <button
              type="submit"
              className="button small"
              data-testid="alarm-note-save"
              disabled={busy}
            >
              {busy ? 'Saving…' : 'Add note'}
            </button>
            <button
              type="button"
              className="button ghost small"
              onClick={() => (setOpen(false), setError(null))}
            >
              Cancel
            </button>
          </div>
          {error && (
            <div className="form-error" role="alert" data-testid="alarm-note-error">
              {error}
            </div>
          )}
        </form>
      ) : (
        <button
          type="button"
          className="button ghost small"
          data-testid="alarm-note-open"
          onClick={() => setOpen(true)}
        >
          Add a note
        </button>
      )}
    </div>
  );
}
