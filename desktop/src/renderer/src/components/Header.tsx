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
  const hostLost = useConsole((s) => s.hostLostAt !== null);
  if (hostLost) {
    // The core's last word (perhaps "live") is no longer news: say what is known.
    return (
      <div
        className="conn"
        data-testid="connection-indicator"
        data-status="hostUnreachable"
        title="The console host process is not answering; this page retries by itself."
      >
        <span className="conn-dot" aria-hidden="true" />
        <span className="conn-label" role="status">
          Console host unreachable — retrying
        </span>
      </div>
    );
  }
  const title = [
    connection.serverUrl,
    connection.transport && `via ${transportLabel(connection.transport)}`,
    connection.lastError,
  ]
    .filter(Boolean)
    .join(' — ');
  // Long-polling works but costs latency and requests: worth a word next to "Live".
  const degraded = connection.status === 'live' && connection.transport === 'polling';
  return (
    <div
      className="conn"
      data-testid="connection-indicator"
      data-status={connection.status}
      data-transport={connection.transport ?? ''}
      title={title}
    >
      <span className="conn-dot" aria-hidden="true" />
      <span className="conn-label" role="status">
        {statusLabel[connection.status]}
        {degraded && <span className="muted"> (long-polling)</span>}
      </span>
      <span className="conn-sep" aria-hidden="true" />
      <span className="conn-online">
        <span data-testid="online-count">{connection.onlineCount}</span> online
      </span>
    </div>
  );
}

/** socket.io's transport names, as a person reads them. */
export function transportLabel(transport: string): string {
  if (transport === 'websocket') return 'WebSocket';
  if (transport === 'polling') return 'HTTP long-polling';
  return transport;
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
  const hostLostAt = useConsole((s) => s.hostLostAt);
  if (hostLostAt !== null) {
    return (
      <div
        className="offline-banner"
        data-testid="offline-banner"
        role="status"
        data-status="hostUnreachable"
      >
        <strong>Console host unreachable.</strong>{' '}
        <span>
          Showing what it last sent ({sinceLabel(hostLostAt)}); nothing new arrives and nothing can
          be sent until it is back. Retrying…
        </span>
      </div>
    );
  }
  if (connection.status !== 'offline' && connection.status !== 'reconnecting') return null;
  const since = connection.lastSyncedAt;
  const sinceText =
    since === null ? 'No data synced yet' : `Showing data from ${sinceLabel(since)}`;
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

function sinceLabel(ts: number): string {
  return new Date(ts).toDateString() === new Date().toDateString() ? hhmm(ts) : when(ts);
}
