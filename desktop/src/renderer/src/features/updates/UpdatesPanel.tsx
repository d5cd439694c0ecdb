/**
 * Settings → "This app": the installed version, what the update check found (off, checking,
 * up to date, a version ready to install, or why it failed) and whether the sign-in is kept
 * on this computer. Only in the desktop app (desktop-bridge.ts).
 */
import { useEffect, useState } from 'react';
import type { DesktopStatus } from '../../../../shared/desktop-contract';
import { desktopBridge } from './desktop-bridge';
import { canCheckNow, updateSentence } from './update-sentences';

export function UpdatesPanel() {
  const bridge = desktopBridge();
  const [status, setStatus] = useState<DesktopStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!bridge) return;
    const unsubscribe = bridge.subscribe((event) => setStatus(event.status));
    bridge
      .getDesktopStatus()
      .then(setStatus)
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return unsubscribe;
  }, [bridge]);

  if (!bridge) return null;
  const act = (call: () => Promise<unknown>) => {
    setError(null);
    call().catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  };

  return (
    <section className="panel" aria-labelledby="app-title" data-testid="updates-panel">
      <h2 id="app-title">This app</h2>
      {status ? (
        <>
          <dl className="kv">
            <dt>Version</dt>
            <dd className="mono">{status.appVersion}</dd>
            <dt>Updates</dt>
            <dd data-testid="updates-status">
              {updateSentence(status.updates, status.appVersion)}
            </dd>
            <dt>Sign-in</dt>
            <dd data-testid="signin-kept">
              {status.signIn.kept ? 'Kept on this computer, encrypted.' : status.signIn.reason}
            </dd>
          </dl>
          {canCheckNow(status.updates) && (
            <button
              type="button"
              className="button"
              data-testid="updates-check"
              onClick={() => act(() => bridge.checkForUpdates())}
            >
              Check now
            </button>
          )}
          {status.updates.state === 'ready' && (
            <button
              type="button"
              className="button primary"
              data-testid="updates-restart"
              onClick={() => act(() => bridge.restartToUpdate())}
            >
              Restart to install
            </button>
          )}
        </>
      ) : (
        <p className="muted">Reading…</p>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
