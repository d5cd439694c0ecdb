/**
 * An admin's announcement to everybody (every account gets it as a notification, live on
 * every open console). Shown at the top of Notifications, for admins only.
 */
import { useState, type FormEvent } from 'react';
import { consoleApi } from '../../../console-api-client';
import { useConsole } from '../../state/store';
import { can } from '../../state/permissions';
import './conversations.css';

export function AnnouncementForm() {
  const admin = useConsole((s) => can(s.user, 'sendAnnouncements'));
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!admin) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const { notified } = await consoleApi.sendAnnouncement({ title, body });
      setDone(`Announced to ${notified} ${notified === 1 ? 'person' : 'people'}.`);
      setTitle('');
      setBody('');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="panel announce-form"
      aria-labelledby="announce-title"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h2 id="announce-title">Announcement to everyone</h2>
      <label className="field">
        <span>Title</span>
        <input
          data-testid="announce-title"
          value={title}
          maxLength={400}
          onChange={(e) => setTitle(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Message</span>
        <textarea
          data-testid="announce-body"
          rows={3}
          value={body}
          onChange={(e) => setBody(e.target.value)}
        />
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="announce-error">
          {error}
        </p>
      )}
      {done && (
        <p className="muted" role="status" data-testid="announce-done">
          {done}
        </p>
      )}
      <button type="submit" className="button primary" disabled={busy} data-testid="announce-send">
        Send announcement
      </button>
    </form>
  );
}
