/**
 * The console's link to the server: one Socket.IO connection that, on every (re)connect,
 * first catches up with `sync` from the cache's cursor, then sends the outbox in order, then
 * stays live. Live events and sync answers both go through the cache's rev-aware upserts, so
 * their order does not matter: the console ends with exactly the server's state. A telemetry
 * patch is the exception — it is only valid over a copy at its `baseRev` — so a patch the
 * cache cannot take (it missed a whole-screen change) asks for one more sync.
 *
 * The cursor only moves forward through `sync` answers (which are complete up to their
 * cursor); live events update entities but never the cursor, because a live stream can skip
 * changes this console was not sent.
 */
import { io, type Socket } from 'socket.io-client';
import type {
  Ack,
  ClientToServerEvents,
  Message,
  PresenceStatus,
  Requests,
  Responses,
  ServerToClientEvents,
  SessionEndReason,
  SyncResult,
} from '../../../protocol';
import type {
  ConnectionInfo,
  ConsoleEvent,
  SignedOutBecause,
  ThreadMessage,
} from '../shared/console-api';
import type { ConsoleCache, OutboxEntry } from './cache/console-cache';
import { uploadQueued } from './attachments-outbox';
import { remainingTtlS } from './command-ttl';
import { serverApi } from './server-api';

type ServerSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type QueuedCommand = Extract<OutboxEntry, { kind: 'sendCommand' }>;

const END_REASONS: readonly SessionEndReason[] = [
  'logout',
  'expired',
  'disabled',
  'password_changed',
  'role_changed',
];
/** What the sign-in form says when the server refused the token without saying why. */
export const TOKEN_REFUSED_SENTENCE = 'Your session has ended; please sign in again.';

const ACK_TIMEOUT_MS = 10_000;
/** Messages per REST page when filling a hole in a cached thread (the server's maximum). */
const GAP_PAGE = 200;
/** Errors after which an outbox entry is dropped: sending it again cannot succeed. */
const PERMANENT = new Set([
  'bad_request',
  'forbidden',
  'not_found',
  'conflict',
  'too_large',
  'unauthorized',
]);

export class SyncEngine {
  private socket: ServerSocket | null = null;
  /** The conversation whose room this console is in (the open thread), rejoined on reconnect. */
  private viewing: string | null = null;
  private flushing = false;
  /** A sync is running; `syncWanted`: something asked for one more after it. */
  private syncing = false;
  private syncWanted = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** Where REST calls go (filling holes in threads); set by start(). */
  private session: { serverUrl: string; token: string } | null = null;
  /** Conversations whose holes are being filled now. */
  private readonly filling = new Set<string>();
  /**
   * Conversations whose messages the current catch-up brought; null: look at every cached
   * thread (the first catch-up after start — ~60 ms for 100,000 cached messages — so holes
   * an older console kept, or a fill that failed, are repaired once per start).
   */
  private touched: Set<string> | null = null;
  private checkedAllThreads = false;
  readonly presence = new Map<string, PresenceStatus>();
  readonly connection: ConnectionInfo;

  constructor(
    private readonly cache: ConsoleCache,
    private readonly emit: (event: ConsoleEvent) => void,
    /**
     * The server ended this session (`session_ended`), or refused its token when connecting:
     * the engine has stopped for good; the token is dead.
     */
    private readonly onSessionEnded: (why: SignedOutBecause) => void,
    /** Told of every outbox entry the server answered (accepted or refused for good). */
    private readonly onOutboxAnswer: (entry: OutboxEntry, res: Ack<unknown>) => void = () => {},
    /** A queued command's TTL ran out before it could be sent: it left the outbox unsent. */
    private readonly onCommandExpired: (entry: QueuedCommand) => void = () => {},
  ) {
    const meta = cache.getMeta();
    this.connection = {
      status: 'signedOut',
      serverUrl: meta.serverUrl,
      lastSyncedAt: meta.lastSyncedAt,
      pendingActions: cache.outboxSize(),
      onlineCount: 0,
      transport: null,
      lastError: null,
      signedOutBecause: meta.signedOutBecause,
    };
  }

  get connected(): boolean {
    return this.socket?.connected === true;
  }

  start(serverUrl: string, token: string): void {
    this.stop();
    this.session = { serverUrl, token };
    this.checkedAllThreads = false;
    this.setConnection({
      status: 'connecting',
      serverUrl,
      lastError: null,
      signedOutBecause: null,
    });
    const socket: ServerSocket = io(serverUrl, {
      auth: { token },
      // WebSocket first; where it fails (a proxy that strips `Upgrade`), HTTP long-polling
      // (tryAllTransports), which then still tries to upgrade. The transport in use is reported
      // in `connection.transport` (the indicator's tooltip and Diagnostics).
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 500,
      // Operators notice a 5 s gap after the server returns; 2 s (±50 %) keeps reconnect storms spread.
      reconnectionDelayMax: 2000,
      randomizationFactor: 0.5,
      timeout: 5000,
    });
    this.socket = socket;
    socket.io.on('open', () => {
      socket.io.engine.on('upgrade', (transport: { name: string }) => {
        if (this.socket === socket && socket.connected)
          this.setConnection({ transport: transport.name });
      });
    });
    socket.on('connect', () => {
      this.catchUp(socket).catch((err: unknown) => {
        this.setConnection({ lastError: `sync failed: ${(err as Error).message}` });
        // Reconnecting retries the whole catch-up from the stored cursor.
        socket.disconnect().connect();
      });
    });
    socket.on('disconnect', (reason) => {
      // The server closed us (a restart, or a revoked session it did not announce with
      // `session_ended`): reconnect by hand — socket.io does not after a server-side
      // disconnect — and let the handshake tell which it was (a refused token ends the session).
      if (reason === 'io server disconnect') {
        setTimeout(() => {
          if (this.socket === socket) socket.connect();
        }, 500);
      }
      this.setConnection({
        status: reason === 'io client disconnect' ? 'offline' : 'reconnecting',
        transport: null,
        lastSyncedAt: this.connection.status === 'live' ? Date.now() : this.connection.lastSyncedAt,
      });
      this.cache.setMeta({ lastSyncedAt: this.connection.lastSyncedAt });
    });
    // The server ended the session (and disconnects right after): reconnecting with this
    // token can only be refused, so stop here and say why.
    socket.on('session_ended', (e) => {
      if (this.socket !== socket) return;
      const known = e && END_REASONS.includes(e.reason) && typeof e.message === 'string';
      this.endSession(
        known
          ? { reason: e.reason, message: e.message.slice(0, 300) }
          : { reason: 'refused', message: TOKEN_REFUSED_SENTENCE },
      );
    });
    socket.on('connect_error', (err) => {
      // The token was refused at the handshake (it expired or was revoked while this console
      // was away): the same end as a `session_ended`, never a retry with the dead token.
      if (err.message.startsWith('unauthorized')) {
        this.endSession({ reason: 'refused', message: TOKEN_REFUSED_SENTENCE });
        return;
      }
      this.setConnection({
        status: 'offline',
        lastError: `cannot reach ${serverUrl}: ${err.message}`,
      });
      // A refusal by the server's middleware (e.g. it could not check the session while its
      // database was starting) is not retried by socket.io-client by itself: retry here.
      if (!socket.active) {
        this.retryTimer = setTimeout(() => {
          if (this.socket === socket) socket.connect();
        }, 2000);
      }
    });
    this.listenLive(socket);
  }

  private endSession(why: SignedOutBecause): void {
    const wasLive = this.connection.status === 'live';
    this.stop();
    this.session = null;
    this.setConnection({
      status: 'signedOut',
      transport: null,
      lastError: null,
      signedOutBecause: why,
      lastSyncedAt: wasLive ? Date.now() : this.connection.lastSyncedAt,
    });
    this.cache.setMeta({ lastSyncedAt: this.connection.lastSyncedAt, signedOutBecause: why });
    this.onSessionEnded(why);
  }

  stop(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    this.socket = null;
  }

  /**
   * Drops the transport as a network failure would; the client reconnects and catches up by
   * itself. Diagnostics use it to test recovery.
   */
  dropTransport(): void {
    this.socket?.io.engine?.close();
  }

  /** Enters the open thread's room (and leaves the previous one). */
  async view(conversationId: string | null): Promise<void> {
    const previous = this.viewing;
    this.viewing = conversationId;
    if (previous && previous !== conversationId)
      await this.emitNow('leaveRoom', { room: `conversation:${previous}` });
    if (conversationId) await this.emitNow('joinRoom', { room: `conversation:${conversationId}` });
  }

  /** Sends the outbox now if connected; otherwise it goes on the next connect. */
  kick(): void {
    this.setConnection({ pendingActions: this.cache.outboxSize() });
    if (this.socket?.connected && this.connection.status === 'live')
      void this.flushOutbox(this.socket);
  }

  /** Fire-and-forget events (typing, presence) that make no sense to queue offline. */
  async emitNow<K extends keyof Requests>(
    event: K,
    payload: Requests[K],
  ): Promise<Ack<Responses[K]> | null> {
    const socket = this.socket;
    if (!socket?.connected) return null;
    try {
      return await (
        socket.timeout(ACK_TIMEOUT_MS) as unknown as {
          emitWithAck(e: string, p: unknown): Promise<Ack<Responses[K]>>;
        }
      ).emitWithAck(event, payload);
    } catch {
      return null;
    }
  }

  private async catchUp(socket: ServerSocket): Promise<void> {
    this.touched = new Set();
    await this.syncFromCursor(socket);
    const touched = this.checkedAllThreads ? [...this.touched] : undefined;
    this.checkedAllThreads = true;
    this.touched = null;
    this.setConnection({
      status: 'live',
      transport: socket.io.engine?.transport?.name ?? 'websocket',
      lastSyncedAt: Date.now(),
      lastError: null,
    });
    this.cache.setMeta({ lastSyncedAt: this.connection.lastSyncedAt });
    if (this.viewing) await this.call(socket, 'joinRoom', { room: `conversation:${this.viewing}` });
    // Holes a cache may hold from before sync answers were complete, or from a time this user
    // was not a participant: filled now, not when someone scrolls into them.
    void this.fillGaps(touched);
    await this.flushOutbox(socket);
  }

  /** Pages through `sync` from the stored cursor, again while someone asks for more. */
  private async syncFromCursor(socket: ServerSocket): Promise<void> {
    this.syncing = true;
    try {
      do {
        this.syncWanted = false;
        for (;;) {
          const cursor = this.cache.getMeta().cursor;
          const res = await this.call(socket, 'sync', { cursor });
          if (!res.ok) throw new Error(res.error.message);
          // An answer that says "more" must move the cursor, or this loop would never end.
          if (res.data.more && res.data.cursor <= cursor)
            throw new Error(`the server's sync answer did not move past ${cursor}`);
          this.applySync(res.data);
          // Never backwards: a sync of an earlier connection may finish after a newer one.
          if (res.data.cursor > this.cache.getMeta().cursor)
            this.cache.setMeta({ cursor: res.data.cursor });
          if (!res.data.more) break;
        }
      } while (this.syncWanted && socket.connected);
    } finally {
      this.syncing = false;
    }
  }

  /** A live event showed the cache is missing a change: sync once more, coalesced. */
  private requestSync(socket: ServerSocket): void {
    if (this.syncing) {
      this.syncWanted = true;
      return;
    }
    this.syncFromCursor(socket).catch((err: unknown) =>
      this.setConnection({ lastError: `sync failed: ${(err as Error).message}` }),
    );
  }

  private applySync(r: SyncResult): void {
    const screens = this.cache.upsertScreens(r.screens);
    if (screens.length) this.emit({ type: 'screens', screens });
    if (Array.isArray(r.visibleScreenIds)) {
      // Access that ended while this console was away (live, `forget` says it).
      const visible = new Set(r.visibleScreenIds);
      const forget = this.cache
        .screens()
        .map((s) => s.id)
        .filter((id) => !visible.has(id));
      if (forget.length) {
        this.cache.forgetScreens(forget);
        this.emit({ type: 'screensForgotten', screenIds: forget });
      }
    }
    const alarms = this.cache.upsertAlarms(r.alarms);
    if (alarms.length) this.emit({ type: 'alarms', alarms });
    const commands = this.cache.upsertCommands(r.commands);
    if (commands.length) this.emit({ type: 'commands', commands });
    const conversations = this.cache.upsertConversations(r.conversations);
    if (conversations.length) this.emit({ type: 'conversations', conversations });
    const messages = [
      ...this.cache.upsertMessages(r.messages),
      ...this.cache.storeLastMessages(r.conversations),
    ];
    for (const m of messages) this.touched?.add(m.conversationId);
    this.emitMessages(messages);
    const notifications = this.cache.upsertNotifications(r.notifications);
    if (notifications.length) this.emit({ type: 'notifications', notifications });
    for (const p of r.presence) {
      this.presence.set(p.userId, p.status);
      this.emit({ type: 'presence', userId: p.userId, status: p.status });
    }
    this.setConnection({ onlineCount: r.onlineCount });
  }

  private emitMessages(messages: Message[]): void {
    const byConversation = new Map<string, ThreadMessage[]>();
    for (const m of messages) {
      const list = byConversation.get(m.conversationId) ?? [];
      list.push({ ...m, pending: false });
      byConversation.set(m.conversationId, list);
    }
    for (const [conversationId, list] of byConversation)
      this.emit({ type: 'messages', conversationId, messages: list });
  }

  /**
   * Live messages of one conversation: shown at once, unless they left a hole in the cached
   * thread (a `conversationUpdate` missed, a time this user was not a participant); then the
   * hole is filled first, so a thread never shows a message with unexplained ones missing.
   */
  private deliverLive(conversationId: string, messages: Message[]): void {
    if (messages.length === 0) return;
    if (!messages.some((m) => this.cache.hasHoleBelow(conversationId, m.seq)))
      return this.emitMessages(messages);
    void this.fillGaps([conversationId]).finally(() => this.emitMessages(messages));
  }

  /**
   * Fetches the messages missing inside cached threads over REST (history pages), oldest
   * first per hole. A failure leaves the hole for the next connect; meanwhile the cache's
   * thread reads stop at it (ConsoleCache.messages), so it is never shown as if complete.
   */
  private async fillGaps(conversationIds?: string[]): Promise<void> {
    const session = this.session;
    if (!session) return;
    let gaps: ReturnType<ConsoleCache['messageGaps']>;
    try {
      gaps = this.cache.messageGaps(conversationIds);
    } catch {
      return; // the cache was closed meanwhile (sign-out, shutdown)
    }
    for (const gap of gaps) {
      if (this.filling.has(gap.conversationId)) continue;
      this.filling.add(gap.conversationId);
      try {
        let before = gap.beforeSeq;
        while (before - 1 > gap.afterSeq) {
          const page = await serverApi.messagesBefore(
            session.serverUrl,
            session.token,
            gap.conversationId,
            before,
            Math.min(GAP_PAGE, before - 1 - gap.afterSeq),
          );
          const first = page.messages[0];
          if (!first || first.seq >= before) break;
          this.emitMessages(this.cache.upsertMessages(page.messages));
          before = first.seq;
        }
      } catch (err) {
        this.setConnection({
          lastError: `could not fetch missing messages: ${(err as Error).message}`,
        });
      } finally {
        this.filling.delete(gap.conversationId);
      }
    }
  }

  private listenLive(socket: ServerSocket): void {
    // The server skipped live batches while we could not keep up: catch up with one sync.
    socket.on('resync', () => this.requestSync(socket));
    socket.on('billboardStatusUpdate', (batch) => {
      const patched = this.cache.patchScreens(batch.patches ?? []);
      const screens = [...this.cache.upsertScreens(batch.screens), ...patched.applied];
      if (screens.length) this.emit({ type: 'screens', screens });
      // Applied last: access ended is newer than anything else the batch says of a screen.
      const forget = Array.isArray(batch.forget)
        ? batch.forget.filter((id): id is string => typeof id === 'string')
        : [];
      if (forget.length) {
        this.cache.forgetScreens(forget);
        this.emit({ type: 'screensForgotten', screenIds: forget });
      }
      if (patched.missed > 0) this.requestSync(socket);
    });
    socket.on('alarm', (alarm) => {
      const alarms = this.cache.upsertAlarms([alarm]);
      if (alarms.length) this.emit({ type: 'alarms', alarms });
    });
    socket.on('commandResult', (command) => {
      const commands = this.cache.upsertCommands([command]);
      if (commands.length) this.emit({ type: 'commands', commands });
    });
    socket.on('newMessage', (m) =>
      this.deliverLive(m.conversationId, this.cache.upsertMessages([m])),
    );
    socket.on('conversationUpdate', (c) => {
      const conversations = this.cache.upsertConversations([c]);
      if (conversations.length) this.emit({ type: 'conversations', conversations });
      // A thread not open gets no `newMessage`; its conversation's last message is each new one.
      this.deliverLive(c.id, this.cache.storeLastMessages([c]));
    });
    socket.on('notification', (n) => {
      // The server sends a notification again when it is marked read (this console or another):
      // that updates the list, it is not news to pop up a second time.
      if (this.cache.upsertNotifications([n]).length)
        this.emit({ type: 'notification', notification: n, toast: n.readAt === null });
    });
    socket.on('messageRead', (r) => this.emit({ type: 'readReceipt', ...r }));
    socket.on('typing', (t) => this.emit({ type: 'typing', ...t }));
    socket.on('userOnline', (p) => {
      this.presence.set(p.userId, p.status);
      this.emit({ type: 'presence', userId: p.userId, status: p.status });
      this.setConnection({ onlineCount: p.onlineCount });
    });
    socket.on('userOffline', (p) => {
      this.presence.set(p.userId, 'offline');
      this.emit({ type: 'presence', userId: p.userId, status: 'offline' });
      this.setConnection({ onlineCount: p.onlineCount });
    });
  }

  /** Sends queued actions one by one, in order; each leaves the outbox only once acknowledged. */
  private async flushOutbox(socket: ServerSocket): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (const entry of this.cache.outbox()) {
        if (!socket.connected) return;
        const ttlS = entry.kind === 'sendCommand' ? remainingTtlS(entry) : null;
        if (entry.kind === 'sendCommand' && ttlS === null) {
          this.expire(entry);
          continue;
        }
        const res = await this.send(socket, entry, ttlS ?? undefined).catch(() => null);
        if (res === null) return; // no answer: the next connect sends it again (idempotent)
        if (!res.ok && !PERMANENT.has(res.error.code)) {
          this.retryTimer = setTimeout(() => this.kick(), 2000);
          return;
        }
        if (!res.ok)
          this.setConnection({ lastError: `${describe(entry)} was refused: ${res.error.message}` });
        this.cache.removeFromOutbox(entry.seq);
        this.onOutboxAnswer(entry, res);
        if (entry.kind === 'sendMessage') {
          if (res.ok) this.emitMessages(this.cache.upsertMessages([res.data as Message]));
          else
            this.emit({
              type: 'messages',
              conversationId: entry.payload.conversationId,
              messages: [],
            });
        }
        this.setConnection({ pendingActions: this.cache.outboxSize() });
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * Takes queued commands whose TTL ran out out of the outbox, unsent (while offline, so the
   * screen says so when it happens, not at the next connect). Not during a flush: the flush
   * checks each command itself just before sending it. False: not done, a flush is running.
   */
  expireQueuedCommands(now = Date.now()): boolean {
    if (this.flushing) return false;
    for (const entry of this.cache.outbox())
      if (entry.kind === 'sendCommand' && remainingTtlS(entry, now) === null) this.expire(entry);
    return true;
  }

  private expire(entry: QueuedCommand): void {
    this.cache.removeFromOutbox(entry.seq);
    this.setConnection({ pendingActions: this.cache.outboxSize() });
    this.onCommandExpired(entry);
  }

  /** `ttlS`: for a command, what is left of the TTL the operator gave (the server counts from receipt). */
  private send(socket: ServerSocket, entry: OutboxEntry, ttlS?: number): Promise<Ack<unknown>> {
    switch (entry.kind) {
      case 'sendMessage':
        // Its files first, over HTTP (attachments-outbox.ts); then the message naming them.
        return uploadQueued(this.cache, this.session, entry).then((up) =>
          !up.ok
            ? up
            : this.call(socket, 'sendMessage', {
                clientId: entry.payload.clientId,
                conversationId: entry.payload.conversationId,
                body: entry.payload.body,
                ...(up.data.length ? { attachmentIds: up.data } : {}),
              }),
        );
      case 'markRead':
        return this.call(socket, 'markRead', entry.payload);
      case 'ackAlarm':
        return this.call(socket, 'ackAlarm', entry.payload);
      case 'noteAlarm':
        return this.call(socket, 'noteAlarm', entry.payload);
      case 'markNotificationRead':
        return this.call(socket, 'markNotificationRead', entry.payload);
      case 'sendCommand':
        return this.call(socket, 'sendCommand', {
          commandId: entry.payload.commandId,
          target: { screenIds: entry.payload.screenIds },
          type: entry.payload.type,
          params: entry.payload.params,
          ttlS,
        });
    }
  }

  private call<K extends keyof Requests>(
    socket: ServerSocket,
    event: K,
    payload: Requests[K],
  ): Promise<Ack<Responses[K]>> {
    return (
      socket.timeout(ACK_TIMEOUT_MS) as unknown as {
        emitWithAck(e: string, p: unknown): Promise<Ack<Responses[K]>>;
      }
    ).emitWithAck(event, payload);
  }

  private setConnection(patch: Partial<ConnectionInfo>): void {
    Object.assign(this.connection, patch);
    this.emit({ type: 'connection', connection: { ...this.connection } });
  }
}

function describe(entry: OutboxEntry): string {
  switch (entry.kind) {
    case 'sendMessage':
      return 'A message';
    case 'markRead':
      return 'A read marker';
    case 'ackAlarm':
      return 'An alarm acknowledgement';
    case 'noteAlarm':
      return 'A note on an alarm';
    case 'markNotificationRead':
      return 'Marking a notification read';
    case 'sendCommand':
      return `The ${entry.payload.type} command`;
  }
}
