import { useState, type FormEvent } from 'react';
import { consoleApi } from '../../console-api-client';
import { refreshSnapshot } from '../state/boot';
import { setUser, useConsole } from '../state/store';
import { connectionErrorSentence } from '../../../shared/error-sentences';

function defaultServer(known: string | null): string {
  if (known) return known;
  if (location.protocol === 'http:' || location.protocol === 'https:') return location.origin;
  return 'http://localhost:4000';
}

export function SignIn() {
  const knownServer = useConsole((s) => s.connection.serverUrl);
  const lastError = useConsole((s) => s.connection.lastError);
  // Set when the server ended the session (logout elsewhere, expiry, a disabled account, a
  // changed password): the server's sentence, and whose session it was.
  const ended = useConsole((s) => s.connection.signedOutBecause);
  const previousUser = useConsole((s) => (s.connection.signedOutBecause ? s.user : null));
  const pendingActions = useConsole((s) => s.connection.pendingActions);
  const [server, setServer] = useState(() => defaultServer(knownServer));
  const [email, setEmail] = useState(() => previousUser?.email ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    let serverUrl = server.trim();
    if (serverUrl && !/^[a-z][a-z0-9+.-]*:\/\//i.test(serverUrl)) serverUrl = `http://${serverUrl}`;
    serverUrl = serverUrl.replace(/\/+$/, '');
    if (!serverUrl || !email.trim() || !password) {
      setError('Enter the server address, your email and your password.');
      return;
    }
    setBusy(true);
    try {
      const { user } = await consoleApi.signIn({ serverUrl, email: email.trim(), password });
      setUser(user);
      await refreshSnapshot().catch((err: unknown) => console.warn('snapshot after sign-in', err));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin-page">
      <form
        className="signin-card"
        onSubmit={(e) => void submit(e)}
        aria-labelledby="signin-title"
        noValidate
      >
        <div className="signin-brand">
          <span className="brand-mark" aria-hidden="true" />
          <span className="brand-name">Marquee</span>
        </div>
        <h1 id="signin-title">Sign in to the console</h1>
        {ended && (
          <p className="form-error" role="alert" data-testid="signin-ended">
            {ended.message}
          </p>
        )}
        {ended && previousUser && pendingActions > 0 && (
          <p className="form-hint" data-testid="signin-pending">
            {pendingActions === 1 ? '1 action' : `${pendingActions} actions`} by {previousUser.name}{' '}
            not sent yet: sent when {previousUser.name} signs in again here, discarded if someone
            else does.
          </p>
        )}
        <label className="field">
          <span>Server address</span>
          <input
            data-testid="signin-server"
            type="url"
            value={server}
            onChange={(e) => setServer(e.target.value)}
            autoComplete="url"
            spellCheck={false}
            required
          />
        </label>
        <label className="field">
          <span>Email</span>
          <input
            data-testid="signin-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            autoComplete="username"
            // The same person signing in again needs only the password.
            autoFocus={!previousUser}
            required
          />
        </label>
        <label className="field">
          <span>Password</span>
          <input
            data-testid="signin-password"
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="current-password"
            autoFocus={!!previousUser}
            required
          />
        </label>
        {error && (
          <p className="form-error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
        {!error && !ended && lastError && (
          <p className="form-hint">{connectionErrorSentence(lastError)}</p>
        )}
        <button
          className="button primary block"
          type="submit"
          data-testid="signin-submit"
          disabled={busy}
        >
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </div>
  );
}
