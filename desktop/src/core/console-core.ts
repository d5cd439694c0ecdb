/**
 * The console core: the ConsoleApi implemented over the cache and the sync engine, with no
 * Electron in sight. Electron's main process and the browser host both wrap this one class.
 * It paints from the cache first (the constructor reads it synchronously), then connects.
 */
import { randomUUID } from 'node:crypto';
import type { Ack, Command, Responses, User } from '../../../protocol';
import {
  ConsoleError,
  consoleRequests,
  type ConsoleEvent,
  type ConsoleMethod,
  type ConsoleResponses,
  type ConsoleSnapshot,
  type LocalCommand,
  type ThreadMessage,
} from '../shared/console-api';
import { ALARM_NOTES_PER_ALARM, CommandParams, describeZodError } from '../../../protocol';
import {
  commandParamsSentence,
  commandRefusalSentence,
  serverErrorSentence,
  validationSentence,
} from '../shared/error-sentences';
import { ConsoleCache, type OutboxEntry } from './cache/console-cache';
import { attachmentHandlers, pendingAttachment, prepareFiles } from './attachments-outbox';
import { expiresAtOf, ttlOf } from './command-ttl';
import { serverApi } from './server-api';
import { adminScreensHandlers } from './admin-screens-handlers';
import { screenshotsHandlers } from './screenshots-api';
import { liveHandlers } from './live-handlers';
import { mapTileHandlers } from './map-tiles';
import { reportsHandlers } from './reports-api';
import { alarmRulesHandlers } from './alarm-rules-api';
import { desiredStateHandlers } from './desired-state-handlers';
import { alertingHandlers } from './alerting-api';
import { campaignHandlers } from './campaigns-api';
import { SyncEngine } from './sync-engine';
import type { TokenStore } from './token-store';

const PAGE = 50;
/**
 * Refused and expired commands kept for the screen detail (this run only: they are news, not
 * history, and the server has no record of a command it never created).
 */
const MAX_UNSENT = 50;
const EXPIRED_SENTENCE = 'Expired before it could be sent.';

type Handlers = {
  [M in ConsoleMethod]: (
    req: import('zod').output<(typeof consoleRequests)[M]>,
  ) => Promise<ConsoleResponses[M]>;
};

export class ConsoleCore {
  private readonly listeners = new Set<(e: ConsoleEvent) => void>();
  private readonly engine: SyncEngine;
  private user: User | null;
  private readonly handlers: Handlers;
  /** Commands the server refused, or that expired before they could be sent; newest last. */
  private unsentCommands: LocalCommand[] = [];
  /** Fires when the next queued command's TTL runs out (see scheduleExpiry). */
  private expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly cache: ConsoleCache,
    private readonly tokens: TokenStore,
    /** What the sign-in form offers before any server was used (the one `npm start` runs). */
    private readonly defaultServerUrl: string | null = null,
  ) {
    const meta = cache.getMeta();
    this.user = meta.user;
    this.engine = new SyncEngine(
      cache,
      (e) => this.emit(e),
      // The token is dead; the replica and the outbox stay for the next sign-in (see signIn).
      () => this.tokens.set(null),
      (entry, res) => this.onOutboxAnswer(entry, res),
      (entry) => this.onCommandExpired(entry),
    );
    this.engine.connection.serverUrl ??= defaultServerUrl;
    const token = tokens.get();
    if (token && meta.serverUrl && meta.user) this.engine.start(meta.serverUrl, token);
    this.handlers = this.createHandlers();
    this.scheduleExpiry();
  }

  subscribe(listener: (e: ConsoleEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * The one entry for every transport: validates the argument, then runs the method. Every
   * failure leaves as a ConsoleError whose message is a sentence for the person who asked;
   * the technical detail goes out as an `apiError` event (Diagnostics).
   */
  async invoke(method: string, params: unknown): Promise<unknown> {
    if (!Object.hasOwn(consoleRequests, method))
      throw this.fail(
        method,
        'bad_request',
        'This console does not offer that.',
        `unknown method ${method}`,
      );
    const m = method as ConsoleMethod;
    const parsed = consoleRequests[m].safeParse(params ?? {});
    if (!parsed.success)
      throw this.fail(
        m,
        'bad_request',
        validationSentence(m, parsed.error.issues),
        `${m}: ${describeZodError(parsed.error)}`,
      );
    try {
      return await (this.handlers[m] as (r: unknown) => Promise<unknown>)(parsed.data);
    } catch (err) {
      if (err instanceof SentenceError) throw this.fail(m, err.code, err.message, err.detail);
      const code = err instanceof ConsoleError ? err.code : 'internal';
      if (!(err instanceof ConsoleError)) console.error('[marquee core]', err);
      const serverUrl =
        m === 'signIn'
          ? (parsed.data as { serverUrl: string }).serverUrl
          : this.cache.getMeta().serverUrl;
      const message = (err as Error).message;
      throw this.fail(
        m,
        code,
        serverErrorSentence(m, code, message, serverUrl),
        `${code}: ${message}`,
      );
    }
  }

  private fail(method: string, code: string, message: string, detail: string): ConsoleError {
    this.emit({ type: 'apiError', method, code, message, detail });
    return new ConsoleError(code, message);
  }

  /** For diagnostics and tests: drop the connection as a network failure would. */
  dropConnection(): void {
    this.engine.dropTransport();
  }

  get connection() {
    return this.engine.connection;
  }

  close(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    this.engine.stop();
    this.cache.close();
  }

  snapshot(): ConsoleSnapshot {
    return { ...this.snapshotWithout(), screens: this.cache.screens() };
  }

  /**
   * The snapshot as JSON text, for the browser host: the screens (10,000 in a big fleet) are
   * spliced in from the cache's stored JSON instead of parsed and serialized again, which
   * takes a cold host ~150 ms on the path to the first paint.
   */
  snapshotJson(): string {
    // `{"screens":[...],` + the rest of the snapshot without its opening brace.
    return `{"screens":${this.cache.screensJson()},${JSON.stringify(this.snapshotWithout()).slice(1)}`;
  }

  private snapshotWithout(): Omit<ConsoleSnapshot, 'screens'> {
    return {
      user: this.user,
      connection: { ...this.engine.connection, pendingActions: this.cache.outboxSize() },
      alarms: this.cache.alarms(),
      commands: this.cache.commands(),
      localCommands: this.localCommands(),
      conversations: this.cache.conversations(),
      notifications: this.cache.notifications(),
      presence: Object.fromEntries(this.engine.presence),
    };
  }

  private emit(event: ConsoleEvent): void {
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (err) {
        console.error('[marquee core] listener failed', err);
      }
    }
  }

  /** Commands the server has not stored: the outbox's, then the refused ones. */
  private localCommands(): LocalCommand[] {
    const waiting: LocalCommand[] = [];
    for (const e of this.cache.outbox()) {
      if (e.kind !== 'sendCommand') continue;
      waiting.push({
        id: e.payload.commandId,
        screenIds: e.payload.screenIds,
        type: e.payload.type,
        params: e.payload.params,
        createdAt: e.createdAt,
        ttlS: ttlOf(e),
        state: 'waiting',
        reason: null,
      });
    }
    return [...waiting, ...this.unsentCommands];
  }

  private emitLocalCommands(): void {
    this.emit({ type: 'localCommands', commands: this.localCommands() });
  }

  /**
   * The server answered an outbox entry. A stored command is in the cache at once (not only
   * when its broadcast comes); a refused one (all of it, or some of its screens) is kept with
   * the reason as a sentence, so the screen shows it instead of a "queued" that never moves.
   * A refused message leaves its thread with the reason (`messageFailed`).
   */
  private onOutboxAnswer(entry: OutboxEntry, res: Ack<unknown>): void {
    if (entry.kind === 'sendMessage' && !res.ok) {
      this.emit({
        type: 'messageFailed',
        conversationId: entry.payload.conversationId,
        clientId: entry.payload.clientId,
        message: serverErrorSentence('sendMessage', res.error.code, res.error.message),
      });
      return;
    }
    if (entry.kind !== 'sendCommand') return;
    const { commandId, screenIds, type, params } = entry.payload;
    const refused = (ids: string[], reason: string): LocalCommand => ({
      id: ids.length === screenIds.length ? commandId : `${commandId}:${ids.join(',')}`,
      screenIds: ids,
      type,
      params,
      createdAt: entry.createdAt,
      ttlS: ttlOf(entry),
      state: 'refused',
      reason,
    });
    const now: LocalCommand[] = [];
    if (res.ok) {
      const data = res.data as Responses['sendCommand'];
      const stored = this.cache.upsertCommands(data.commands as Command[]);
      if (stored.length) this.emit({ type: 'commands', commands: stored });
      for (const r of data.refused ?? [])
        now.push(refused([r.screenId], commandRefusalSentence(r.reason)));
    } else {
      now.push(
        refused(screenIds, serverErrorSentence('sendCommand', res.error.code, res.error.message)),
      );
    }
    this.unsentCommands = [...this.unsentCommands, ...now].slice(-MAX_UNSENT);
    this.emitLocalCommands();
  }

  /** A queued command outlived its TTL before it could be sent: it never will be. */
  private onCommandExpired(entry: Extract<OutboxEntry, { kind: 'sendCommand' }>): void {
    const { commandId, screenIds, type, params } = entry.payload;
    const expired: LocalCommand = {
      id: commandId,
      screenIds,
      type,
      params,
      createdAt: entry.createdAt,
      ttlS: ttlOf(entry),
      state: 'expired',
      reason: EXPIRED_SENTENCE,
    };
    this.unsentCommands = [...this.unsentCommands, expired].slice(-MAX_UNSENT);
    this.emitLocalCommands();
  }

  /**
   * Expires queued commands when their TTL runs out, also while offline, so the screen says
   * so then (not at the next connect). The flush checks again just before sending each one.
   */
  private scheduleExpiry(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.expiryTimer = null;
    let next = Infinity;
    for (const e of this.cache.outbox())
      if (e.kind === 'sendCommand') next = Math.min(next, expiresAtOf(e));
    if (next === Infinity) return;
    // At most a day ahead (a timer's limit is ~24.8 days; a week-long TTL re-arms daily).
    const delay = Math.min(Math.max(0, next - Date.now() + 1), 24 * 3600_000);
    this.expiryTimer = setTimeout(() => this.runExpiry(), delay);
    this.expiryTimer.unref();
  }

  private runExpiry(): void {
    this.expiryTimer = null;
    if (this.engine.expireQueuedCommands()) return this.scheduleExpiry();
    // A flush is running (it checks each command itself): look again in a second rather
    // than spinning on an expiry that is already past.
    this.expiryTimer = setTimeout(() => this.runExpiry(), 1000);
    this.expiryTimer.unref();
  }

  private requireSession(): { user: User; serverUrl: string; token: string | null } {
    const meta = this.cache.getMeta();
    if (!this.user || !meta.serverUrl) throw new ConsoleError('unauthorized', 'sign in first');
    return { user: this.user, serverUrl: meta.serverUrl, token: this.tokens.get() };
  }

  /** A session with a token, for the REST calls made only while the server answers. */
  private requireLive(): { user: User; serverUrl: string; token: string } {
    const session = this.requireSession();
    if (!session.token) throw new ConsoleError('unauthorized', 'not signed in');
    return { ...session, token: session.token };
  }

  /** The audit log is read on the server: offline, the view says so rather than show nothing. */
  private auditSession(): [serverUrl: string, token: string] {
    const { serverUrl, token } = this.requireSession();
    if (!this.engine.connected || !token)
      throw new SentenceError(
        'unavailable',
        'The audit log needs the server: it is searched there, not kept on this console. It opens again once the console is live.',
        'audit: console not live',
      );
    return [serverUrl, token];
  }

  private pendingMessages(conversationId: string): ThreadMessage[] {
    const last = this.cache.messages(conversationId, undefined, 1).at(-1)?.seq ?? 0;
    return this.cache
      .outbox()
      .filter((e) => e.kind === 'sendMessage' && e.payload.conversationId === conversationId)
      .map((e, i) => {
        const p = (e as Extract<typeof e, { kind: 'sendMessage' }>).payload;
        return {
          id: `pending:${p.clientId}`,
          clientId: p.clientId,
          conversationId,
          senderId: p.senderId,
          senderName: p.senderName,
          body: p.body,
          seq: last + i + 1,
          createdAt: p.createdAt,
          rev: 0,
          pending: true,
          ...(p.attachments ? { attachments: p.attachments.map((a) => pendingAttachment(a)) } : {}),
        };
      });
  }

  private createHandlers(): Handlers {
    return {
      getSnapshot: async () => this.snapshot(),
      ...adminScreensHandlers(() => this.requireSession()),
      ...mapTileHandlers(),
      ...screenshotsHandlers(() => this.requireSession()),
      ...attachmentHandlers(() => this.requireSession()),

      signIn: async ({ serverUrl, email, password }) => {
        const url = new URL(serverUrl).origin;
        const res = await serverApi.login(url, email, password);
        const meta = this.cache.getMeta();
        // Another server or another person: nothing of the old replica may show, and the
        // previous user's unsent actions are discarded — sent now, they would be done in the
        // new user's name. The same person again (after their session ended) keeps both: the
        // outbox goes out as soon as the console is live. (desktop/README.md "Session ended".)
        if (meta.serverUrl !== url || meta.user?.id !== res.user.id) {
          this.cache.clearReplica();
          this.unsentCommands = [];
        }
        this.cache.setMeta({ signedOutBecause: null });
        this.tokens.set(res.token);
        this.cache.setMeta({ serverUrl: url, user: res.user });
        this.user = res.user;
        this.engine.start(url, res.token);
        this.emit({ type: 'snapshot', snapshot: this.snapshot() });
        return { user: res.user };
      },

      signOut: async () => {
        const meta = this.cache.getMeta();
        const token = this.tokens.get();
        this.engine.stop();
        if (token && meta.serverUrl)
          await serverApi.logout(meta.serverUrl, token).catch(() => undefined);
        this.tokens.set(null);
        this.cache.clearReplica();
        this.unsentCommands = [];
        this.user = null;
        Object.assign(this.engine.connection, {
          status: 'signedOut',
          serverUrl: this.defaultServerUrl,
          lastSyncedAt: null,
          pendingActions: 0,
          signedOutBecause: null,
        });
        this.emit({ type: 'snapshot', snapshot: this.snapshot() });
        return null;
      },

      loadMessages: async ({ conversationId, beforeSeq }) => {
        const { serverUrl, token } = this.requireSession();
        // The cache answers a run without holes; short, the server fills it when reachable.
        let messages = this.cache.messages(conversationId, beforeSeq, PAGE);
        if (messages.length < PAGE && this.engine.connected && token) {
          const res = await serverApi
            .messagesBefore(serverUrl, token, conversationId, beforeSeq, PAGE)
            .catch(() => null);
          if (res) {
            this.cache.upsertMessages(res.messages);
            messages = this.cache.messages(conversationId, beforeSeq, PAGE);
          }
        }
        // Seqs are dense from 1: anything above 1 has older messages (also when a hole stopped
        // the run offline — "load earlier" stays, never a false "beginning of the conversation").
        const hasMore = (messages[0]?.seq ?? beforeSeq ?? 1) > 1;
        const thread: ThreadMessage[] = messages.map((m) => ({ ...m, pending: false }));
        if (beforeSeq === undefined) thread.push(...this.pendingMessages(conversationId));
        return { messages: thread, hasMore };
      },

      sendMessage: async ({ conversationId, body, attachments }) => {
        const { user } = this.requireSession();
        const clientId = randomUUID();
        // Files wait in the cache with their message: uploaded first when it goes out.
        const files = prepareFiles(attachments ?? []);
        this.cache.db.transaction(() => {
          const entry = this.cache.enqueue({
            kind: 'sendMessage',
            payload: {
              clientId,
              conversationId,
              body,
              senderId: user.id,
              senderName: user.name,
              createdAt: Date.now(),
              ...(files.length
                ? {
                    attachments: files.map((f) => ({
                      clientId: f.clientId,
                      fileName: f.fileName,
                      mime: f.mime,
                      bytes: f.data.length,
                    })),
                  }
                : {}),
            },
          });
          this.cache.outboxFiles.add(entry.seq, files);
        })();
        const pending = this.pendingMessages(conversationId).find((m) => m.clientId === clientId)!;
        this.emit({ type: 'messages', conversationId, messages: [pending] });
        this.engine.kick();
        return pending;
      },

      markRead: async (payload) => {
        this.requireSession();
        this.cache.enqueue({ kind: 'markRead', payload });
        this.engine.kick();
        return null;
      },

      setTyping: async (payload) => {
        await this.engine.emitNow('typing', payload);
        return null;
      },

      setPresence: async (payload) => {
        await this.engine.emitNow('setPresence', payload);
        return null;
      },

      ackAlarm: async (payload) => {
        this.requireSession();
        this.cache.enqueue({ kind: 'ackAlarm', payload });
        this.engine.kick();
        return null;
      },

      sendCommand: async ({ screenIds, type, params, ttlS }) => {
        this.requireSession();
        // Checked here, not only by the server: a command queued offline with settings the
        // server will refuse would otherwise wait for hours to fail.
        const valid = CommandParams[type].safeParse(params);
        if (!valid.success)
          throw new SentenceError(
            'bad_request',
            commandParamsSentence(type),
            `sendCommand.params: ${describeZodError(valid.error)}`,
          );
        const commandId = randomUUID();
        this.cache.enqueue({
          kind: 'sendCommand',
          payload: {
            commandId,
            screenIds,
            type,
            params: valid.data as Record<string, unknown>,
            ttlS,
          },
        });
        this.emitLocalCommands();
        this.scheduleExpiry();
        this.engine.kick();
        return { commandIds: [commandId] };
      },

      getScreenHistory: async ({ screenId }) => {
        const { serverUrl, token } = this.requireSession();
        if (this.engine.connected && token) {
          const fresh = await serverApi.screenHistory(serverUrl, token, screenId).catch(() => null);
          if (fresh) {
            const history = {
              states: fresh.states,
              telemetry: fresh.telemetry.map((t) => ({ ...t })),
            };
            this.cache.putScreenHistory(screenId, history);
            return history;
          }
        }
        return this.cache.screenHistory(screenId) ?? { states: [], telemetry: [] };
      },

      viewConversation: async ({ conversationId }) => {
        this.requireSession();
        await this.engine.view(conversationId);
        return null;
      },

      markNotificationRead: async ({ notificationId }) => {
        this.requireSession();
        const local = this.cache.notifications().find((n) => n.id === notificationId);
        if (!local || local.readAt) return null;
        // Read at once on this console; the server hears it through the outbox, so a
        // notification read while offline is read on the user's other consoles too.
        const updated = { ...local, readAt: Date.now() };
        this.cache.upsertNotifications([updated]);
        this.emit({ type: 'notifications', notifications: [updated] });
        this.cache.enqueue({ kind: 'markNotificationRead', payload: { notificationId } });
        this.engine.kick();
        return null;
      },

      // alarms at volume
      ackAlarms: async ({ alarmIds }) => {
        this.requireSession();
        // One outbox entry per alarm: each is idempotent on the server and audited on its own,
        // and a batch interrupted by a lost connection resumes where it stopped.
        for (const alarmId of new Set(alarmIds))
          this.cache.enqueue({ kind: 'ackAlarm', payload: { alarmId } });
        this.engine.kick();
        return null;
      },

      noteAlarm: async ({ alarmId, body }) => {
        this.requireSession();
        // Checked here too: a note the server will refuse would otherwise fail only in the
        // outbox, after the form said nothing.
        const alarm = this.cache.alarms().find((a) => a.id === alarmId);
        if ((alarm?.notes?.length ?? 0) >= ALARM_NOTES_PER_ALARM)
          throw new SentenceError(
            'conflict',
            `This alarm already has ${ALARM_NOTES_PER_ALARM} notes, the most it keeps.`,
            `noteAlarm: ${ALARM_NOTES_PER_ALARM} notes already`,
          );
        this.cache.enqueue({ kind: 'noteAlarm', payload: { alarmId, noteId: randomUUID(), body } });
        this.engine.kick();
        return null;
      },

      ping: async () => {
        const { serverUrl } = this.requireSession();
        const started = performance.now();
        await serverApi.health(serverUrl);
        return { rttMs: Math.round((performance.now() - started) * 10) / 10 };
      },

      ...alarmRulesHandlers((method, path, body) => this.online(method, path, body)),
      ...liveHandlers({
        live: () => this.requireLive(),
        auditSession: () => this.auditSession(),
        online: (method, path, body) => this.online(method, path, body),
        keep: (res) => this.keep(res),
      }),
      ...reportsHandlers({
        live: () => this.requireLive(),
        connected: () => this.engine.connected,
      }),
      ...desiredStateHandlers((method, path, body) => this.online(method, path, body)),
      ...alertingHandlers((method, path, body) => this.online(method, path, body)),
      ...campaignHandlers({
        live: () => this.requireLive(),
        connected: () => this.engine.connected,
      }),
    };
  }

  // conversations
  /**
   * A REST call that needs the server now (no outbox): managing conversations depends on who
   * exists and who may be reached, which only the server knows; offline it says so at once.
   */
  private async online<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { serverUrl, token } = this.requireSession();
    if (!token || !this.engine.connected)
      throw new ConsoleError('unavailable', 'the console is not connected');
    return serverApi.rest<T>(serverUrl, token, method, path, body);
  }

  /** The changed conversation is in the cache and on screen at once (its broadcast follows). */
  private keep<T extends { conversation: import('../../../protocol').Conversation }>(res: T): T {
    const stored = this.cache.upsertConversations([res.conversation]);
    if (stored.length) this.emit({ type: 'conversations', conversations: stored });
    return res;
  }
}

/** An error whose message is already the sentence to show (with its detail for Diagnostics). */
class SentenceError extends ConsoleError {
  constructor(
    code: string,
    message: string,
    readonly detail: string,
  ) {
    super(code, message);
  }
}

export function openConsoleCore(
  cacheFile: string,
  tokens: TokenStore,
  defaultServerUrl: string | null = null,
): ConsoleCore {
  return new ConsoleCore(new ConsoleCache(cacheFile), tokens, defaultServerUrl);
}
