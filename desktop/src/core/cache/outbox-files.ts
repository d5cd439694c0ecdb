/**
 * The bytes of attachments waiting in the outbox with their message (cache migration 4): a
 * BLOB per file beside the outbox entry, so a file picked offline survives a restart and is
 * uploaded when the server is back. `attachment_id` records the server's id once uploaded, so
 * a flush that stops between the upload and the message does not upload again (the server's
 * `X-Client-Id` makes a repeat harmless anyway). Removed with their outbox entry.
 */
import type Database from 'better-sqlite3';
import type { AttachmentMime } from '../../../../protocol';

export interface QueuedFile {
  clientId: string;
  fileName: string;
  mime: AttachmentMime;
  data: Buffer;
  attachmentId: string | null;
}

export class OutboxFiles {
  constructor(private readonly db: Database.Database) {}

  add(outboxSeq: number, files: Omit<QueuedFile, 'attachmentId'>[]): void {
    const stmt = this.db.prepare(
      'INSERT INTO outbox_files (client_id, outbox_seq, position, file_name, mime, data) VALUES (?, ?, ?, ?, ?, ?)',
    );
    files.forEach((f, i) => stmt.run(f.clientId, outboxSeq, i, f.fileName, f.mime, f.data));
  }

  list(outboxSeq: number): QueuedFile[] {
    const rows = this.db
      .prepare(
        'SELECT client_id, file_name, mime, data, attachment_id FROM outbox_files WHERE outbox_seq = ? ORDER BY position',
      )
      .all(outboxSeq) as {
      client_id: string;
      file_name: string;
      mime: AttachmentMime;
      data: Buffer;
      attachment_id: string | null;
    }[];
    return rows.map((r) => ({
      clientId: r.client_id,
      fileName: r.file_name,
      mime: r.mime,
      data: r.data,
      attachmentId: r.attachment_id,
    }));
  }

  uploaded(clientId: string, attachmentId: string): void {
    this.db
      .prepare('UPDATE outbox_files SET attachment_id = ? WHERE client_id = ?')
      .run(attachmentId, clientId);
  }
}
