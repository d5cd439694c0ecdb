/**
 * The console cache's schema, as numbered migrations (Signal Desktop style): each entry runs
 * once, in order, inside a transaction; `PRAGMA user_version` records how far a file got.
 * Entities are stored as the server sent them (JSON) next to the columns queries need.
 */
import type BetterSqlite3 from 'better-sqlite3';

export const migrations: ((db: BetterSqlite3.Database) => void)[] = [
  // 1: the replica of the server's entities, the outbox and settings-like metadata.
  (db) => {
    db.exec(`
      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE screens (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE alarms (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE commands (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE conversations (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE notifications (id TEXT PRIMARY KEY, rev INTEGER NOT NULL, json TEXT NOT NULL);
      CREATE TABLE messages (
        id TEXT PRIMARY KEY, rev INTEGER NOT NULL, json TEXT NOT NULL,
        conversation_id TEXT NOT NULL, seq INTEGER NOT NULL, client_id TEXT NOT NULL
      );
      CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
    `);
  },
  // 2: screen history fetched while online, so the detail view works offline too.
  (db) => {
    db.exec(
      `CREATE TABLE screen_history (screen_id TEXT PRIMARY KEY, json TEXT NOT NULL, fetched_at INTEGER NOT NULL);`,
    );
  },
  // 3: every cached conversation's last message stored as a message (ConsoleCache.storeLastMessages
  // keeps it so from now on), so a thread read from the cache starts at its real newest message.
  (db) => {
    db.exec(`
      INSERT INTO messages (id, rev, json, conversation_id, seq, client_id)
      SELECT json_extract(json, '$.lastMessage.id'), json_extract(json, '$.lastMessage.rev'),
             json_extract(json, '$.lastMessage'), id, json_extract(json, '$.lastMessage.seq'),
             json_extract(json, '$.lastMessage.clientId')
      FROM conversations WHERE json_extract(json, '$.lastMessage.id') IS NOT NULL
      ON CONFLICT(id) DO NOTHING;
    `);
  },
  // 4: the bytes of attachments queued with a message (cache/outbox-files.ts).
  (db) => {
    db.exec(`
      CREATE TABLE outbox_files (
        client_id TEXT PRIMARY KEY,
        outbox_seq INTEGER NOT NULL,
        position INTEGER NOT NULL,
        file_name TEXT NOT NULL,
        mime TEXT NOT NULL,
        data BLOB NOT NULL,
        attachment_id TEXT
      );
      CREATE INDEX outbox_files_by_entry ON outbox_files (outbox_seq);
    `);
  },
];

export function migrate(db: BetterSqlite3.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`cache schema ${version} is newer than this console (${migrations.length})`);
  }
  for (let v = version; v < migrations.length; v++) {
    db.transaction(() => {
      migrations[v]!(db);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
