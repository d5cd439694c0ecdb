import type { ConnectionStatus } from '../../../shared/console-api';
import { useConsole } from '../state/store';
import { hhmm, plural, when } from '../format';

const statusLabel: Record<ConnectionStatus, string> = {
  live: 'Live',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  signedOut: 'Signed out',
};

export function ConnectionIndicator() {
  const connection = useConsole((s) => s.connection);
  const title = [
    connection.serverUrl,
    connection.transport && `via ${connection.transport}`,
    connection.lastError,
  ]
    .filter(Boolean)
    .join(' — ');
  return (
    <div
      className="conn"
      data-testid="connection-indicator"
      data-status={connection.status}
      title={title}
    >
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label" role="status">
        {statusLabel[connection.status]}
      </span>
      <span className="conn-sep" aria-hidden="true" />
      <span className="conn-online">
        <span data-testid="online-count">{connection.onlineCount}</span> online
      </span>
    </div>
  );
}

export function Header() {
  const user = useConsole((s) => s.user);
  return (
    <header className="topbar">
      <a className="brand" href="#/fleet" aria-label="Marquee, fleet">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Marquee</span>
      </a>
      <div className="topbar-spacer" />
      <ConnectionIndicator />
      {user && (
        <a className="topbar-user" href="#/settings" title={user.email}>
          <span className="avatar" aria-hidden="true">
            {initials(user.name)}
          </span>
          <span className="topbar-user-name">{user.name}</span>
        </a>
      )}
    </header>
  );
}

export function initials(name: string): string {
  const parts = name.trim().split(/\s+/);
  return ((parts[0]?.[0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : ''))
    .toUpperCase()
    .slice(0, 2);
}

export function OfflineBanner() {
  const connection = useConsole((s) => s.connection);
  if (connection.status !== 'offline' && connection.status !== 'reconnecting') return null;
  const since = connection.lastSyncedAt;
  const sinceText =
    since === null
      ? 'No data synced yet'
      : `Showing data from ${new Date(since).toDateString() === new Date().toDateString() ? hhmm(since) : when(since)}`;
  return (
    <div
      className="offline-banner"
      data-testid="offline-banner"
      role="status"
      data-status={connection.status}
    >
      <strong>{connection.status === 'offline' ? 'Offline.' : 'Reconnecting…'}</strong>{' '}
      <span>
        {sinceText} — {plural(connection.pendingActions, 'action')} waiting to send
      </span>
    </div>
  );
}
