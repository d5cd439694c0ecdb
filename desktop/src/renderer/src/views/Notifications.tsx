import { useMemo, useState } from 'react';
import type { Notification } from '../../../../../protocol';
import { consoleApi } from '../../console-api-client';
import { useConsole } from '../state/store';
import { href, navigate } from '../state/router';
import { Ago, Empty } from '../components/common';
import { AnnouncementForm } from '../features/conversations';

export function notificationHref(n: Notification): string | null {
  if (!n.ref) return null;
  if (n.ref.type === 'conversation') return href.messages(n.ref.id);
  if (n.ref.type === 'screen') return href.screen(n.ref.id);
  return href.alarms();
}

const kindLabel: Record<Notification['kind'], string> = {
  message: 'Message',
  alarm: 'Alarm',
  screenStatus: 'Screen',
  announcement: 'Announcement',
};

function markRead(n: Notification): Promise<void> {
  if (n.readAt !== null) return Promise.resolve();
  return consoleApi.markNotificationRead({ notificationId: n.id }).then(() => undefined);
}

export function NotificationsView() {
  const notifications = useConsole((s) => s.notifications);
  const [filter, setFilter] = useState<'all' | 'unread'>('all');
  const [error, setError] = useState<string | null>(null);
  const sorted = useMemo(
    () => [...notifications.values()].sort((a, b) => b.createdAt - a.createdAt),
    [notifications],
  );
  const unread = sorted.filter((n) => n.readAt === null);
  const shown = filter === 'unread' ? unread : sorted;

  const fail = (e: unknown) => setError(e instanceof Error ? e.message : String(e));
  const open = (n: Notification) => {
    markRead(n).catch(fail);
    const target = notificationHref(n);
    if (target) navigate(target);
  };
  const markAll = () => {
    Promise.all(unread.map(markRead)).catch(fail);
  };

  return (
    <section className="notifications-view" aria-labelledby="notifications-title">
      <div className="page-header">
        <h1 id="notifications-title">Notifications</h1>
        <div className="page-header-tools">
          <div className="segmented" role="group" aria-label="Show">
            <button type="button" aria-pressed={filter === 'all'} onClick={() => setFilter('all')}>
              All <span className="muted">{sorted.length}</span>
            </button>
            <button
              type="button"
              aria-pressed={filter === 'unread'}
              onClick={() => setFilter('unread')}
            >
              Unread <span className="muted">{unread.length}</span>
            </button>
          </div>
          <button
            type="button"
            className="button ghost"
            onClick={markAll}
            disabled={unread.length === 0}
          >
            Mark all read
          </button>
        </div>
      </div>
      <AnnouncementForm />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {shown.length === 0 ? (
        <Empty>{filter === 'unread' ? 'Nothing unread.' : 'No notifications yet.'}</Empty>
      ) : (
        <ul className="notification-list">
          {shown.map((n) => (
            <li
              key={n.id}
              className={`notification-item kind-${n.kind}${n.readAt === null ? ' unread' : ''}`}
              data-testid="notification-item"
              data-notification-id={n.id}
              data-read={String(n.readAt !== null)}
            >
              <span className="notification-dot" aria-hidden="true" />
              <button type="button" className="notification-main" onClick={() => open(n)}>
                <span className="notification-head">
                  <span className="chip">{kindLabel[n.kind]}</span>
                  <span className="notification-title">{n.title}</span>
                  <span className="muted small">
                    <Ago ts={n.createdAt} />
                  </span>
                </span>
                {n.body && <span className="notification-body">{n.body}</span>}
              </button>
              {n.readAt === null && (
                <button
                  type="button"
                  className="button small ghost"
                  data-testid="notification-mark-read"
                  onClick={() => void markRead(n).catch(fail)}
                >
                  Mark read
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
