import { useMemo, type ReactNode } from 'react';
import type { PresenceStatus, ScreenStatus } from '../../../../../protocol';
import { useConsole } from '../state/store';
import { useNow } from '../state/clock';
import { ago, full } from '../format';

const stateText: Record<ScreenStatus, string> = {
  online: 'Online',
  lost: 'Lost',
  offline: 'Offline',
  unknown: 'Unknown',
};

export function StateBadge({ state }: { state: ScreenStatus }) {
  return (
    <span className={`state-badge state-${state}`}>
      <span className="state-dot" aria-hidden="true" />
      {stateText[state]}
    </span>
  );
}

export function PresenceDot({ userId, name }: { userId: string; name?: string }) {
  const status: PresenceStatus = useConsole((s) => s.presence[userId] ?? 'offline');
  const label = `${name ?? userId}: ${status}`;
  return (
    <span
      className={`presence-dot presence-${status}`}
      data-testid="presence-dot"
      data-user-id={userId}
      data-presence={status}
      title={label}
      role="img"
      aria-label={label}
    />
  );
}

/** Names of everyone we share a conversation with (the console API has no user directory). */
export function useDirectory(): Map<string, string> {
  const conversations = useConsole((s) => s.conversations);
  const user = useConsole((s) => s.user);
  return useMemo(() => {
    const names = new Map<string, string>();
    for (const c of conversations.values())
      for (const p of c.participants) names.set(p.userId, p.name);
    if (user) names.set(user.id, user.name);
    return names;
  }, [conversations, user]);
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function PageHeader({ title, children }: { title: ReactNode; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children && <div className="page-header-tools">{children}</div>}
    </div>
  );
}

/** "12 s ago", re-rendered alone every second. */
export function Ago({ ts, prefix = '' }: { ts: number | null; prefix?: string }) {
  const now = useNow();
  return (
    <time
      dateTime={ts === null ? undefined : new Date(ts).toISOString()}
      title={ts === null ? undefined : full(ts)}
    >
      {prefix}
      {ago(ts, now)}
    </time>
  );
}
