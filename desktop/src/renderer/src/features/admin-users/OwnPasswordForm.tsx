/** Settings → Password: the signed-in user changes their own; their other consoles sign out. */
import { useState, type FormEvent } from 'react';
import { consoleApi } from '../../../console-api-client';
import { message } from './usePeople';

export function OwnPasswordForm() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setDone(false);
    if (next !== again) {
      setError('The new password and its repetition differ; type the same one twice.');
      return;
    }
    setBusy(true);
    try {
      await consoleApi.changeOwnPassword({ currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
    } catch (err) {
      setError(message(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="panel"
      aria-labelledby="password-title"
      noValidate
      onSubmit={(e) => void submit(e)}
    >
      <h2 id="password-title">Password</h2>
      <label className="field">
        <span>Current password</span>
        <input
          data-testid="own-password-current"
          type="password"
          autoComplete="current-password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
        />
      </label>
      <label className="field">
        <span>New password (12 characters at least)</span>
        <input
          data-testid="own-password-new"
          type="password"
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.target.value)}
        />
      </label>
      <label className="field">
        <span>New password again</span>
        <input
          data-testid="own-password-again"
          type="password"
          autoComplete="new-password"
          value={again}
          onChange={(e) => setAgain(e.target.value)}
        />
      </label>
      {error && (
        <p className="form-error" role="alert" data-testid="own-password-error">
          {error}
        </p>
      )}
      {done && (
        <p role="status" data-testid="own-password-done">
          Password changed. Your other consoles were signed out.
        </p>
      )}
      <button type="submit" className="button" data-testid="own-password-submit" disabled={busy}>
        {busy ? 'Changing…' : 'Change password'}
      </button>
    </form>
  );
}
