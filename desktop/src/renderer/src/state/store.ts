/**
 * The renderer's one store: what the console core told us, applied event by event.
 * Screens, alarms, commands, conversations and notifications are upserted by id; 'snapshot'
 * replaces everything the snapshot carries. Every change replaces the top-level state object and
 * the slices that changed, so components can select slices (or single entities) by identity.
 */
import type {
  ConnectionInfo,
  ConsoleEvent,
  ConsoleSnapshot,
  LocalCommand,
  ThreadMessage,
} from '../../../shared/console-api';
import type {
  Alarm,
  Command,
  Conversation,
  Notification,
  PresenceStatus,
  Screen,
  ScreenStatus,
  User,
} from '../../../../../protocol';
import { createStore, useSelector } from './create-store';

export type FleetCounts = Record<ScreenStatus, number>;

export interface Thread {
  /** Sorted: sent messages by seq, then pending ones by creation time. */
  messages: ThreadMessage[];
  /** Whether older messages exist on the server (from the last loadMessages page). */
  hasMore: boolean;
  /** Whether at least one page was loaded (otherwise we only hold what events brought). */
  loaded: boolean;
  /** Why the last queued message was refused by the server, if one was. */
  failure?: string;
}

export interface TypingEntry {
  userId: string;
  name: string;
  /** Forget a 'typing' that never got its false (the sender went away). */
  expiresAt: number;
}

export interface Toast {
  key: number;
  notification: Notification;
}

export interface ConsoleState {
  /** False until the first snapshot arrived. */
  ready: boolean;
  user: User | null;
  connection: ConnectionInfo;
  /**
   * Browser host only: when the host process stopped answering (ms epoch), null while it
   * answers. While set, `connection` is only what the host said last.
   */
  hostLostAt: number | null;
  screens: Map<string, Screen>;
  /**
   * Screens the server stopped sharing with this user while the console ran (an advertiser's
   * access ended), so an open screen detail can say so instead of "unknown". A screen shared
   * again leaves the set.
   */
  forgottenScreens: ReadonlySet<string>;
  /** Non-retired screens by status, kept incrementally. */
  counts: FleetCounts;
  /** Worst active (or acknowledged) alarm severity per screen id. */
  worstAlarm: Map<string, Alarm['severity']>;
  alarms: Map<string, Alarm>;
  commands: Map<string, Command>;
  /** Commands the server has not stored: waiting in the outbox, or refused (with why). */
  localCommands: LocalCommand[];
  conversations: Map<string, Conversation>;
  notifications: Map<string, Notification>;
  presence: Record<string, PresenceStatus>;
  threads: Map<string, Thread>;
  typing: Map<string, TypingEntry[]>;
  toasts: Toast[];
}

export const TYPING_TTL_MS = 8000;
export const MAX_TOASTS = 4;

const initialConnection: ConnectionInfo = {
  status: 'connecting',
  serverUrl: null,
  lastSyncedAt: null,
  pendingActions: 0,
  onlineCount: 0,
  transport: null,
  lastError: null,
  signedOutBecause: null,
};

const zeroCounts = (): FleetCounts => ({ online: 0, lost: 0, offline: 0, unknown: 0 });

export const initialState: ConsoleState = {
  ready: false,
  user: null,
  connection: initialConnection,
  hostLostAt: null,
  screens: new Map(),
  forgottenScreens: new Set(),
  counts: zeroCounts(),
  worstAlarm: new Map(),
  alarms: new Map(),
  commands: new Map(),
  localCommands: [],
  conversations: new Map(),
  notifications: new Map(),
  presence: {},
  threads: new Map(),
  typing: new Map(),
  toasts: [],
};

export const consoleStore = createStore<ConsoleState>(initialState, { coalesce: true });

export function useConsole<S>(selector: (s: ConsoleState) => S): S {
  return useSelector(consoleStore, selector);
}

/* ---------- reducers ---------- */

const byId = <T extends { id: string }>(items: T[]) => new Map(items.map((i) => [i.id, i]));

function upsert<T extends { id: string; rev?: number }>(
  map: Map<string, T>,
  items: T[],
): Map<string, T> {
  const next = new Map(map);
  for (const item of items) {
    const prev = next.get(item.id);
    // Never let an older revision overwrite a newer one (events may race a snapshot).
    if (prev && prev.rev !== undefined && item.rev !== undefined && item.rev < prev.rev) continue;
    next.set(item.id, item);
  }
  return next;
}

function countScreens(screens: Iterable<Screen>): FleetCounts {
  const counts = zeroCounts();
  for (const s of screens) if (!s.retired) counts[s.state] += 1;
  return counts;
}

const severityRank: Record<Alarm['severity'], number> = { critical: 3, warning: 2, info: 1 };

function worstAlarms(alarms: Map<string, Alarm>): Map<string, Alarm['severity']> {
  const worst = new Map<string, Alarm['severity']>();
  for (const a of alarms.values()) {
    if (a.status === 'cleared') continue;
    const prev = worst.get(a.screenId);
    if (!prev || severityRank[a.severity] > severityRank[prev]) worst.set(a.screenId, a.severity);
  }
  return worst;
}

function applyScreens(state: ConsoleState, screens: Screen[]): ConsoleState {
  const next = new Map(state.screens);
  const counts = { ...state.counts };
  for (const s of screens) {
    const prev = next.get(s.id);
    if (prev && s.rev < prev.rev) continue;
    if (prev && !prev.retired) counts[prev.state] -= 1;
    if (!s.retired) counts[s.state] += 1;
    next.set(s.id, s);
  }
  let forgottenScreens = state.forgottenScreens;
  if (forgottenScreens.size && screens.some((s) => forgottenScreens.has(s.id))) {
    const shared = new Set(forgottenScreens);
    for (const s of screens) shared.delete(s.id);
    forgottenScreens = shared;
  }
  return { ...state, screens: next, counts, forgottenScreens };
}

function forgetScreens(state: ConsoleState, ids: string[]): ConsoleState {
  const next = new Map(state.screens);
  const counts = { ...state.counts };
  const forgottenScreens = new Set(state.forgottenScreens);
  for (const id of ids) {
    const prev = next.get(id);
    if (prev && !prev.retired) counts[prev.state] -= 1;
    next.delete(id);
    forgottenScreens.add(id);
  }
  return { ...state, screens: next, counts, forgottenScreens };
}

function compareMessages(a: ThreadMessage, b: ThreadMessage): number {
  if (a.pending !== b.pending) return a.pending ? 1 : -1;
  if (!a.pending && a.seq !== b.seq) return a.seq - b.seq;
  return a.createdAt - b.createdAt;
}

/** Upsert by id; a pending message is replaced by the sent one with the same clientId. */
export function mergeMessages(
  existing: ThreadMessage[],
  incoming: ThreadMessage[],
): ThreadMessage[] {
  const list = existing.slice();
  for (const m of incoming) {
    const i = list.findIndex((e) => e.id === m.id || e.clientId === m.clientId);
    if (i === -1) {
      list.push(m);
      continue;
    }
    const prev = list[i]!;
    // A late 'pending' copy (the sendMessage reply) must not undo the sent message.
    if (!prev.pending && m.pending) continue;
    list[i] = m;
  }
  return list.sort(compareMessages);
}

function applyMessages(
  state: ConsoleState,
  conversationId: string,
  messages: ThreadMessage[],
  page?: { hasMore: boolean; latest: boolean },
): ConsoleState {
  const prev = state.threads.get(conversationId);
  let existing = prev?.messages ?? [];
  if (page?.latest) {
    // The newest page carries every message still in the outbox; a pending one missing from it
    // was refused by the server and is gone.
    const kept = new Set(messages.map((m) => m.clientId));
    existing = existing.filter((m) => !m.pending || kept.has(m.clientId));
  }
  const thread: Thread = {
    messages: mergeMessages(existing, messages),
    hasMore: page ? page.hasMore : (prev?.hasMore ?? false),
    loaded: Boolean(prev?.loaded || page),
    // A refusal stays shown until the thread has news: the empty update the engine sends
    // right after a refusal (its pending copy is gone) is none.
    failure: messages.length === 0 && !page ? prev?.failure : undefined,
  };
  const threads = new Map(state.threads);
  threads.set(conversationId, thread);
  // A sent message from someone stops their typing indicator.
  let typing = state.typing;
  const current = typing.get(conversationId);
  if (current?.length) {
    const senders = new Set(messages.filter((m) => !m.pending).map((m) => m.senderId));
    const left = current.filter((t) => !senders.has(t.userId));
    if (left.length !== current.length) {
      typing = new Map(typing);
      typing.set(conversationId, left);
    }
  }
  return { ...state, threads, typing };
}

let toastKey = 0;

function applySnapshot(state: ConsoleState, snap: ConsoleSnapshot): ConsoleState {
  const sameUser = state.user?.id === snap.user?.id;
  const alarms = byId(snap.alarms);
  return {
    ...state,
    ready: true,
    user: snap.user,
    connection: snap.connection,
    screens: byId(snap.screens),
    forgottenScreens: sameUser ? state.forgottenScreens : new Set(),
    counts: countScreens(snap.screens),
    alarms,
    worstAlarm: worstAlarms(alarms),
    commands: byId(snap.commands),
    localCommands: snap.localCommands ?? [],
    conversations: byId(snap.conversations),
    notifications: byId(snap.notifications),
    presence: { ...snap.presence },
    threads: sameUser ? state.threads : new Map(),
    typing: sameUser ? state.typing : new Map(),
    toasts: sameUser ? state.toasts : [],
  };
}

export function reduce(state: ConsoleState, event: ConsoleEvent): ConsoleState {
  switch (event.type) {
    case 'snapshot':
      return applySnapshot(state, event.snapshot);
    case 'connection':
      return { ...state, connection: event.connection };
    case 'host':
      if (event.reachable)
        return state.hostLostAt === null ? state : { ...state, hostLostAt: null };
      return state.hostLostAt !== null ? state : { ...state, hostLostAt: Date.now() };
    case 'screens':
      return applyScreens(state, event.screens);
    case 'screensForgotten':
      return forgetScreens(state, event.screenIds);
    case 'alarms': {
      const alarms = upsert(state.alarms, event.alarms);
      return { ...state, alarms, worstAlarm: worstAlarms(alarms) };
    }
    case 'commands':
      return { ...state, commands: upsert(state.commands, event.commands) };
    case 'localCommands':
      return { ...state, localCommands: event.commands };
    case 'conversations':
      return { ...state, conversations: upsert(state.conversations, event.conversations) };
    case 'messages':
      return applyMessages(state, event.conversationId, event.messages);
    case 'notification': {
      const notifications = upsert(state.notifications, [event.notification]);
      if (!event.toast) return { ...state, notifications };
      // One toast per notification: a repeat replaces the one shown rather than stacking.
      const toasts = [
        ...state.toasts.filter((t) => t.notification.id !== event.notification.id),
        { key: ++toastKey, notification: event.notification },
      ];
      return { ...state, notifications, toasts: toasts.slice(-MAX_TOASTS) };
    }
    case 'notifications':
      return { ...state, notifications: upsert(state.notifications, event.notifications) };
    case 'typing': {
      if (event.userId === state.user?.id) return state;
      const typing = new Map(state.typing);
      const others = (typing.get(event.conversationId) ?? []).filter(
        (t) => t.userId !== event.userId,
      );
      if (event.isTyping) {
        others.push({
          userId: event.userId,
          name: event.name,
          expiresAt: Date.now() + TYPING_TTL_MS,
        });
      }
      typing.set(event.conversationId, others);
      return { ...state, typing };
    }
    case 'presence':
      return { ...state, presence: { ...state.presence, [event.userId]: event.status } };
    case 'messageFailed': {
      const prev = state.threads.get(event.conversationId);
      const threads = new Map(state.threads);
      threads.set(event.conversationId, {
        messages: (prev?.messages ?? []).filter(
          (m) => !(m.pending && m.clientId === event.clientId),
        ),
        hasMore: prev?.hasMore ?? false,
        loaded: prev?.loaded ?? false,
        failure: `Not sent: ${event.message}`,
      });
      return { ...state, threads };
    }
    case 'readReceipt': {
      const conv = state.conversations.get(event.conversationId);
      if (!conv) return state;
      let changed = false;
      const participants = conv.participants.map((p) => {
        if (p.userId !== event.userId || p.lastReadSeq >= event.seq) return p;
        changed = true;
        return { ...p, lastReadSeq: event.seq };
      });
      if (!changed) return state;
      const conversations = new Map(state.conversations);
      conversations.set(conv.id, { ...conv, participants });
      return { ...state, conversations };
    }
    default:
      return state;
  }
}

/* ---------- actions used by views ---------- */

export function applyEvent(event: ConsoleEvent): void {
  consoleStore.set((s) => reduce(s, event));
}

/** A loadMessages page; `latest` when it was loaded without beforeSeq. */
export function applyMessagePage(
  conversationId: string,
  messages: ThreadMessage[],
  hasMore: boolean,
  latest: boolean,
): void {
  consoleStore.set((s) => applyMessages(s, conversationId, messages, { hasMore, latest }));
}

export function addLocalMessage(message: ThreadMessage): void {
  consoleStore.set((s) => applyMessages(s, message.conversationId, [message]));
}

export function dismissToast(key: number): void {
  consoleStore.set((s) => ({ ...s, toasts: s.toasts.filter((t) => t.key !== key) }));
}

export function setUser(user: User | null): void {
  consoleStore.set((s) => ({ ...s, user }));
}

/** Drop typing entries whose sender never said they stopped. */
export function expireTyping(now = Date.now()): void {
  const s = consoleStore.get();
  let changed = false;
  const typing = new Map(s.typing);
  for (const [id, list] of typing) {
    const left = list.filter((t) => t.expiresAt > now);
    if (left.length !== list.length) {
      typing.set(id, left);
      changed = true;
    }
  }
  if (changed) consoleStore.set({ ...s, typing });
}
