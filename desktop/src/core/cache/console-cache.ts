/**
 * The console's offline cache: one typed interface for every read and write (better-sqlite3,
 * synchronous, so the console paints from it before any network). An entity is replaced only
 * by a version with an equal or newer `rev`, so live events and `sync` answers can arrive in
 * any order and the cache still ends with the newest of each.
 *
 * A cache that cannot be opened or migrated (corrupt file, newer schema) is moved aside and
 * started empty; the server then fills it again. Losing a cache costs a download, never a crash.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type {
  Alarm,
  AttachmentMime,
  Command,
  Conversation,
  Message,
  Notification,
  Screen,
  ScreenTelemetryPatch,
  User,
} from '../../../../protocol';
import type { ScreenHistory, SignedOutBecause } from '../../shared/console-api';
import { migrate } from './migrations';
import { OutboxFiles } from './outbox-files';

type EntityTable = 'screens' | 'alarms' | 'commands' | 'conversations' | 'notifications';

export type OutboxEntry =
  | {
      seq: number;
      kind: 'sendMessage';
      payload: {
        clientId: string;
        conversationId: string;
        body: string;
        senderId: string;
        senderName: string;
        createdAt: number;
        /** Files queued with it (bytes in cache/outbox-files.ts), uploaded before it is sent. */
        attachments?: { clientId: string; fileName: string; mime: AttachmentMime; bytes: number }[];
      };
      createdAt: number;
    }
  | {
      seq: number;
      kind: 'markRead';
      payload: { conversationId: string; seq: number };
      createdAt: number;
    }
  | { seq: number; kind: 'ackAlarm'; payload: { alarmId: string }; createdAt: number }
  | {
      seq: number;
      kind: 'noteAlarm';
      payload: { alarmId: string; noteId: string; body: string };
      createdAt: number;
    }
  | {
      seq: number;
      kind: 'markNotificationRead';
      payload: { notificationId: string };
      createdAt: number;
    }
  | {
      seq: number;
      kind: 'sendCommand';
      payload: {
        commandId: string;
        screenIds: string[];
        type: Command['type'];
        params: Record<string, unknown>;
        /** Seconds from `createdAt` (absent in entries queued by older consoles: 3600). */
        ttlS?: number;
      };
      createdAt: number;
    };
export type NewOutboxEntry = Omit<OutboxEntry, 'seq' | 'createdAt'>;

export interface CacheMeta {
  serverUrl: string | null;
  user: User | null;
  cursor: number;
  lastSyncedAt: number | null;
  /** Why the server ended the last session (kept so a restarted console still says why). */
  signedOutBecause: SignedOutBecause | null;
}

export class ConsoleCache {
  readonly db: Database.Database;
  /** Set when the file on disk was unusable and has been moved aside. */
  readonly recoveredFrom: string | null;
  /** Attachments queued with outbox messages. */
  readonly outboxFiles: OutboxFiles;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    let recovered: string | null = null;
    let db: Database.Database;
    try {
      db = open(file);
    } catch (err) {
      recovered = `${file}.corrupt-${Date.now()}`;
      for (const suffix of ['', '-wal', '-shm']) {
        if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, recovered + suffix);
      }
      console.warn(
        `[marquee cache] ${(err as Error).message}; moved to ${recovered}, rebuilding from the server`,
      );
      db = open(file);
    }
    this.db = db;
    this.recoveredFrom = recovered;
    this.outboxFiles = new OutboxFiles(db);
  }

  close(): void {
    this.db.close();
  }

  // ── metadata ──
  getMeta(): CacheMeta {
    const rows = this.db.prepare('SELECT key, value FROM meta').all() as {
      key: string;
      value: string;
    }[];
    const m = Object.fromEntries(rows.map((r) => [r.key, JSON.parse(r.value) as unknown]));
    return {
      serverUrl: (m.serverUrl as string | undefined) ?? null,
      user: (m.user as User | undefined) ?? null,
      cursor: (m.cursor as number | undefined) ?? 0,
      lastSyncedAt: (m.lastSyncedAt as number | undefined) ?? null,
      signedOutBecause: (m.signedOutBecause as SignedOutBecause | undefined) ?? null,
    };
  }

  setMeta(patch: Partial<CacheMeta>): void {
    const stmt = this.db.prepare(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
    );
    this.db.transaction(() => {
      for (const [k, v] of Object.entries(patch)) stmt.run(k, JSON.stringify(v));
    })();
  }

  /** Forget everything the server sent (sign-out, or another server/user). The outbox too. */
  clearReplica(): void {
    this.db.exec(
      'DELETE FROM screens; DELETE FROM alarms; DELETE FROM commands; DELETE FROM conversations; DELETE FROM notifications; DELETE FROM messages; DELETE FROM outbox; DELETE FROM outbox_files; DELETE FROM screen_history; DELETE FROM meta;',
    );
  }

  // ── entities ──
  private upsert<T extends { id: string; rev: number }>(table: EntityTable, items: T[]): T[] {
    if (items.length === 0) return [];
    const stmt = this.db.prepare(
      `INSERT INTO ${table} (id, rev, json) VALUES (?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET rev = excluded.rev, json = excluded.json WHERE excluded.rev >= ${table}.rev`,
    );
    const applied: T[] = [];
    this.db.transaction(() => {
      for (const item of items)
        if (stmt.run(item.id, item.rev, JSON.stringify(item)).changes > 0) applied.push(item);
    })();
    return applied;
  }

  private all<T>(table: EntityTable): T[] {
    return (this.db.prepare(`SELECT json FROM ${table}`).all() as { json: string }[]).map(
      (r) => JSON.parse(r.json) as T,
    );
  }

  /** Returns the screens that were newer than what the cache had. */
  upsertScreens = (items: Screen[]) => this.upsert('screens', items);
  /**
   * Merges telemetry patches into cached screens that are older than the patch. A patch is
   * valid only over a copy at its `baseRev` or newer: over an older copy (one that missed a
   * whole-screen change) or a screen the cache does not hold, merging would make a wrong
   * screen look current, so it is counted as `missed` and the caller syncs instead.
   */
  patchScreens(patches: ScreenTelemetryPatch[]): { applied: Screen[]; missed: number } {
    if (patches.length === 0) return { applied: [], missed: 0 };
    const read = this.db.prepare('SELECT rev, json FROM screens WHERE id = ?');
    const write = this.db.prepare('UPDATE screens SET rev = ?, json = ? WHERE id = ?');
    const applied: Screen[] = [];
    let missed = 0;
    this.db.transaction(() => {
      for (const p of patches) {
        const row = read.get(p.id) as { rev: number; json: string } | undefined;
        if (row && row.rev >= p.rev) continue; // already as new or newer
        if (!row || row.rev < p.baseRev) {
          missed++;
          continue;
        }
        const merged: Screen = {
          ...(JSON.parse(row.json) as Screen),
          rev: p.rev,
          lastSeen: p.lastSeen,
          telemetry: p.telemetry,
        };
        write.run(p.rev, JSON.stringify(merged), p.id);
        applied.push(merged);
      }
    })();
    return { applied, missed };
  }
  upsertAlarms = (items: Alarm[]) => this.upsert('alarms', items);
  upsertCommands = (items: Command[]) => this.upsert('commands', items);
  upsertConversations = (items: Conversation[]) => this.upsert('conversations', items);
  upsertNotifications = (items: Notification[]) => this.upsert('notifications', items);
  screens = () => this.all<Screen>('screens');
  /** The screens as one JSON array, spliced from the stored rows without parsing them. */
  screensJson(): string {
    const rows = this.db.prepare('SELECT json FROM screens').pluck().all() as string[];
    return `[${rows.join(',')}]`;
  }
  /**
   * Drops screens this user may no longer see (and their history): the server stopped sharing
   * them. Returns the ids that were cached.
   */
  forgetScreens(ids: string[]): string[] {
    if (ids.length === 0) return [];
    const del = this.db.prepare('DELETE FROM screens WHERE id = ?');
    const delHistory = this.db.prepare('DELETE FROM screen_history WHERE screen_id = ?');
    const gone: string[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        if (del.run(id).changes > 0) gone.push(id);
        delHistory.run(id);
      }
    })();
    return gone;
  }
  alarms = () => this.all<Alarm>('alarms');
  commands = () => this.all<Command>('commands');
  conversations = () => this.all<Conversation>('conversations');
  notifications = () => this.all<Notification>('notifications');

  upsertMessages(items: Message[]): Message[] {
    if (items.length === 0) return [];
    const stmt = this.db.prepare(
      `INSERT INTO messages (id, rev, json, conversation_id, seq, client_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET rev = excluded.rev, json = excluded.json WHERE excluded.rev >= messages.rev`,
    );
    const applied: Message[] = [];
    this.db.transaction(() => {
      for (const m of items) {
        if (
          stmt.run(m.id, m.rev, JSON.stringify(m), m.conversationId, m.seq, m.clientId).changes > 0
        )
          applied.push(m);
      }
    })();
    return applied;
  }

  /**
   * A conversation's last message is a message too: stored, so the thread's newest message is
   * in the cache as soon as the conversation says it exists (a live `conversationUpdate` for a
   * thread not open). Returns the ones that were new to the cache.
   */
  storeLastMessages(conversations: Conversation[]): Message[] {
    const stmt = this.db.prepare(
      `INSERT INTO messages (id, rev, json, conversation_id, seq, client_id) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO NOTHING`,
    );
    const added: Message[] = [];
    this.db.transaction(() => {
      for (const { lastMessage: m } of conversations) {
        if (
          m &&
          stmt.run(m.id, m.rev, JSON.stringify(m), m.conversationId, m.seq, m.clientId).changes
        )
          added.push(m);
      }
    })();
    return added;
  }

  /**
   * The newest page of a thread (or the page before `beforeSeq`), oldest first: a run of
   * consecutive seqs only. Seqs are dense (1, 2, 3…), so a missing one is a message this cache
   * never got; the run stops there (empty when the message just before `beforeSeq` is missing)
   * and the caller fetches the rest — a thread shown from the cache never has a hidden hole.
   */
  messages(conversationId: string, beforeSeq: number | undefined, limit: number): Message[] {
    const rows = this.db
      .prepare(
        `SELECT seq, json FROM messages WHERE conversation_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
      )
      .all(conversationId, beforeSeq ?? Number.MAX_SAFE_INTEGER, limit) as {
      seq: number;
      json: string;
    }[];
    const run: Message[] = [];
    let next = beforeSeq !== undefined ? beforeSeq - 1 : rows[0]?.seq;
    for (const r of rows) {
      if (r.seq !== next) break;
      run.push(JSON.parse(r.json) as Message);
      next -= 1;
    }
    return run.reverse();
  }

  /**
   * Holes inside the cached part of threads: messages missing between two the cache holds
   * (`afterSeq` < missing < `beforeSeq`). Below the oldest cached message is not a hole: it is
   * where this copy starts, and older pages come on scroll.
   */
  messageGaps(
    conversationIds?: string[],
  ): { conversationId: string; afterSeq: number; beforeSeq: number }[] {
    if (conversationIds?.length === 0) return [];
    const only = conversationIds
      ? `WHERE conversation_id IN (${conversationIds.map(() => '?').join(',')})`
      : '';
    return this.db
      .prepare(
        `SELECT conversation_id AS conversationId, prev AS afterSeq, seq AS beforeSeq FROM (
           SELECT conversation_id, seq, lag(seq) OVER (PARTITION BY conversation_id ORDER BY seq) AS prev
           FROM messages ${only}
         ) WHERE prev IS NOT NULL AND seq > prev + 1`,
      )
      .all(...(conversationIds ?? [])) as {
      conversationId: string;
      afterSeq: number;
      beforeSeq: number;
    }[];
  }

  /** Whether storing `seq` left a hole under it: seq − 1 missing, something older cached. */
  hasHoleBelow(conversationId: string, seq: number): boolean {
    const below = this.db
      .prepare('SELECT max(seq) AS seq FROM messages WHERE conversation_id = ? AND seq < ?')
      .get(conversationId, seq) as { seq: number | null };
    return below.seq !== null && below.seq < seq - 1;
  }

  hasMessageWithClientId(clientId: string): boolean {
    return Boolean(this.db.prepare('SELECT 1 FROM messages WHERE client_id = ?').get(clientId));
  }

  // ── screen history ──
  putScreenHistory(screenId: string, history: ScreenHistory): void {
    this.db
      .prepare(
        'INSERT INTO screen_history (screen_id, json, fetched_at) VALUES (?, ?, ?) ON CONFLICT(screen_id) DO UPDATE SET json = excluded.json, fetched_at = excluded.fetched_at',
      )
      .run(screenId, JSON.stringify(history), Date.now());
  }

  screenHistory(screenId: string): ScreenHistory | null {
    const row = this.db
      .prepare('SELECT json FROM screen_history WHERE screen_id = ?')
      .get(screenId) as { json: string } | undefined;
    return row ? (JSON.parse(row.json) as ScreenHistory) : null;
  }

  // ── outbox: what the operator did, in order, until the server acknowledged it ──
  enqueue(entry: NewOutboxEntry): OutboxEntry {
    const createdAt = Date.now();
    const info = this.db
      .prepare('INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)')
      .run(entry.kind, JSON.stringify(entry.payload), createdAt);
    return { ...entry, seq: Number(info.lastInsertRowid), createdAt } as OutboxEntry;
  }

  outbox(): OutboxEntry[] {
    const rows = this.db
      .prepare('SELECT seq, kind, payload, created_at FROM outbox ORDER BY seq')
      .all() as {
      seq: number;
      kind: OutboxEntry['kind'];
      payload: string;
      created_at: number;
    }[];
    return rows.map(
      (r) =>
        ({
          seq: r.seq,
          kind: r.kind,
          payload: JSON.parse(r.payload),
          createdAt: r.created_at,
        }) as OutboxEntry,
    );
  }

  outboxSize(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM outbox').get() as { n: number }).n;
  }

  removeFromOutbox(seq: number): void {
    this.db.prepare('DELETE FROM outbox WHERE seq = ?').run(seq);
    this.db.prepare('DELETE FROM outbox_files WHERE outbox_seq = ?').run(seq);
  }
}

function open(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`cache failed its integrity check: ${String(check)}`);
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
