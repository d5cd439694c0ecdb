import { useState } from 'react';
import { consoleApi } from '../../console-api-client';
import { refreshSnapshot } from '../state/boot';
import { setUser, useConsole } from '../state/store';
import { setTheme, useTheme } from '../state/theme';
import { OwnPasswordForm } from '../features/admin-users/OwnPasswordForm';
import { MapTilesSettings } from '../features/map';
import { UpdatesPanel } from '../features/updates/UpdatesPanel';
import { MyAlarmHours } from '../features/alerting';

export function SettingsView() {
  const theme = useTheme();
  const user = useConsole((s) => s.user);
  const serverUrl = useConsole((s) => s.connection.serverUrl);
  const myPresence = useConsole((s) => (s.user ? s.presence[s.user.id] : undefined));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const signOut = async () => {
    setBusy(true);
    setError(null);
    try {
      await consoleApi.signOut({});
      setUser(null);
      await refreshSnapshot().catch(() => undefined);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  const presence = (status: 'online' | 'away') => {
    consoleApi
      .setPresence({ status })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <section className="settings-view" aria-labelledby="settings-title">
      <div className="page-header">
        <h1 id="settings-title">Settings</h1>
      </div>
      <section className="panel" aria-labelledby="appearance-title">
        <h2 id="appearance-title">Appearance</h2>
        <div className="segmented" role="radiogroup" aria-label="Theme">
          {(['dark', 'light'] as const).map((t) => (
            <button
              key={t}
              type="button"
              role="radio"
              aria-checked={theme === t}
              data-testid={`theme-${t}`}
              onClick={() => setTheme(t)}
            >
              {t === 'dark' ? 'Dark' : 'Light'}
            </button>
          ))}
        </div>
      </section>
      <section className="panel" aria-labelledby="presence-title">
        <h2 id="presence-title">Availability</h2>
        <p className="muted">Shown to the people you chat with.</p>
        <div className="segmented" role="radiogroup" aria-label="Availability">
          {(['online', 'away'] as const).map((p) => (
            <button
              key={p}
              type="button"
              role="radio"
              aria-checked={(myPresence ?? 'online') === p}
              data-testid={`presence-${p}`}
              onClick={() => presence(p)}
            >
              {p === 'online' ? 'Available' : 'Away'}
            </button>
          ))}
        </div>
      </section>
      <section className="panel" aria-labelledby="account-title">
        <h2 id="account-title">Account</h2>
        {user && (
          <dl className="kv">
            <dt>Name</dt>
            <dd>{user.name}</dd>
            <dt>Email</dt>
            <dd>{user.email}</dd>
            <dt>Role</dt>
            <dd>{user.role}</dd>
            <dt>Server</dt>
            <dd className="mono">{serverUrl ?? '—'}</dd>
          </dl>
        )}
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <button
          type="button"
          className="button danger"
          data-testid="signout"
          disabled={busy}
          onClick={() => void signOut()}
        >
          {busy ? 'Signing out…' : 'Sign out'}
        </button>
      </section>
      <MapTilesSettings />
      <OwnPasswordForm />
      <UpdatesPanel />
      <MyAlarmHours />
    </section>
  );
}
