/** The last 200 console events, type + one-line summary, for the diagnostics page. */
import type { ConsoleEvent } from '../../../shared/console-api';
import { createStore } from './create-store';

export interface LogEntry {
  n: number;
  at: number;
  type: ConsoleEvent['type'];
  summary: string;
}

export const EVENT_LOG_SIZE = 200;
export const eventLog = createStore<LogEntry[]>([], { coalesce: true });
let n = 0;

export function summarize(e: ConsoleEvent): string {
  switch (e.type) {
    case 'snapshot':
      return `${e.snapshot.screens.length} screens, ${e.snapshot.alarms.length} alarms, ${e.snapshot.conversations.length} conversations, user ${e.snapshot.user?.email ?? '—'}`;
    case 'connection':
      return `${e.connection.status}${e.connection.transport ? ` via ${e.connection.transport}` : ''}, ${e.connection.onlineCount} online, ${e.connection.pendingActions} pending${e.connection.lastError ? ` — ${e.connection.lastError}` : ''}`;
    case 'screens': {
      const first = e.screens.slice(0, 3).map((s) => `${s.id}:${s.state}`);
      return `${e.screens.length} screen(s) ${first.join(', ')}${e.screens.length > 3 ? '…' : ''}`;
    }
    case 'alarms':
      return e.alarms.map((a) => `${a.screenId} ${a.kind} ${a.status}`).join(', ');
    case 'commands':
      return e.commands.map((c) => `${c.type}@${c.screenId} ${c.status}`).join(', ');
    case 'conversations':
      return e.conversations.map((c) => `${c.title} (${c.unread} unread)`).join(', ');
    case 'messages':
      return `${e.messages.length} in ${e.conversationId}: ${e.messages
        .map((m) => `#${m.pending ? 'pending' : m.seq} ${m.senderName}`)
        .join(', ')}`;
    case 'notification':
      return `${e.notification.kind}: ${e.notification.title}${e.toast ? ' (toast)' : ''}`;
    case 'notifications':
      return `${e.notifications.length} notification(s)`;
    case 'typing':
      return `${e.name} ${e.isTyping ? 'typing' : 'stopped'} in ${e.conversationId}`;
    case 'presence':
      return `${e.userId} ${e.status}`;
    case 'readReceipt':
      return `${e.userId} read ${e.conversationId} up to #${e.seq}`;
    case 'localCommands':
      return e.commands
        .map(
          (c) => `${c.type}@${c.screenIds.join(',')} ${c.state}${c.reason ? ` (${c.reason})` : ''}`,
        )
        .join(', ');
    case 'messageFailed':
      return `message ${e.clientId} in ${e.conversationId} refused: ${e.message}`;
    case 'host':
      return e.reachable ? 'console host reachable' : 'console host unreachable';
    case 'apiError':
      return `${e.method} failed (${e.code}): ${e.detail} — shown as “${e.message}”`;
    default:
      return '';
  }
}

export function logEvent(e: ConsoleEvent): void {
  const entry: LogEntry = { n: ++n, at: Date.now(), type: e.type, summary: summarize(e) };
  eventLog.set((log) => {
    const next =
      log.length >= EVENT_LOG_SIZE ? log.slice(log.length - EVENT_LOG_SIZE + 1) : log.slice();
    next.push(entry);
    return next;
  });
}

export function clearEventLog(): void {
  eventLog.set([]);
}
