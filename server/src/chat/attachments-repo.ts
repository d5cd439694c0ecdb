/**
 * Attachment rows (migration 022): insert an upload, find a retry by its client id, claim
 * uploads for a message (in the message's transaction), read one for a download, and prune
 * by age. The bytes are files (attachment-files.ts); the rows say where.
 */
import type { Knex } from 'knex';
import type { AttachmentMime, AttachmentRef, User } from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';
import type { SendRequest } from './messages';

type Db = Knex | Knex.Transaction;

export interface AttachmentRow {
  id: string;
  client_id: string;
  uploader_id: string;
  conversation_id: string;
  message_id: string | null;
  file_name: string;
  mime: AttachmentMime;
  bytes: number | string;
  width: number | string | null;
  height: number | string | null;
  file: string;
  thumb_file: string | null;
  created_at: number | string;
}

export const toAttachmentRef = (row: AttachmentRow): AttachmentRef => ({
  id: row.id,
  fileName: row.file_name,
  mime: row.mime,
  bytes: Number(row.bytes),
  width: row.width === null ? null : Number(row.width),
  height: row.height === null ? null : Number(row.height),
  removed: false,
});

export async function insertAttachment(db: Db, row: AttachmentRow): Promise<void> {
  await db('chat_attachments').insert(row);
}

export async function attachmentByClientId(
  db: Db,
  uploaderId: string,
  clientId: string,
): Promise<AttachmentRow | null> {
  return (
    (await db<AttachmentRow>('chat_attachments')
      .where({ uploader_id: uploaderId, client_id: clientId })
      .first()) ?? null
  );
}

export async function attachmentById(db: Db, id: string): Promise<AttachmentRow | null> {
  return (await db<AttachmentRow>('chat_attachments').where({ id }).first()) ?? null;
}

/**
 * The attachments a message is sent with: each uploaded by the sender to this conversation
 * and not yet sent with another message. Runs inside the message's transaction, after the
 * duplicate look-up, so a retried send never claims twice.
 */
export async function claimAttachments(
  trx: Knex.Transaction,
  user: User,
  req: SendRequest,
): Promise<AttachmentRef[]> {
  const ids = [...new Set(req.attachmentIds ?? [])];
  if (ids.length === 0) return [];
  const rows = await trx<AttachmentRow>('chat_attachments').whereIn('id', ids);
  const out: AttachmentRef[] = [];
  for (const id of ids) {
    const row = rows.find((r) => r.id === id);
    if (
      !row ||
      row.uploader_id !== user.id ||
      row.conversation_id !== req.conversationId ||
      row.message_id !== null
    )
      throw new AppError(
        'bad_request',
        `attachment "${id}": not one you uploaded to this conversation and have not sent yet`,
      );
    out.push(toAttachmentRef(row));
  }
  return out;
}

export interface PrunedAttachment {
  id: string;
  file: string;
  thumbFile: string | null;
  conversationId: string;
  messageId: string | null;
}

/**
 * Retention: attachments uploaded before `sentBefore`, and uploads never sent with a message
 * by `unsentBefore`, lose their row; the messages that carried them keep the entry marked
 * `removed` (with a new rev, so every console's `sync` brings the change). One transaction,
 * one revision. The caller removes the files after it commits.
 */
export async function pruneAttachments(
  knex: Knex,
  opts: { sentBefore: number | null; unsentBefore: number },
): Promise<PrunedAttachment[]> {
  return knex.transaction(async (trx) => {
    const q = trx<AttachmentRow>('chat_attachments').where((w) => {
      w.whereNull('message_id').where('created_at', '<', opts.unsentBefore);
      if (opts.sentBefore !== null) w.orWhere('created_at', '<', opts.sentBefore);
    });
    const rows = await q.limit(1000);
    if (rows.length === 0) return [];
    const rev = await reserveRevisions(trx, 1);
    const gone = new Set(rows.map((r) => r.id));
    const messageIds = [...new Set(rows.flatMap((r) => (r.message_id ? [r.message_id] : [])))];
    const messages: { id: string; attachments: string | null }[] = messageIds.length
      ? await trx('messages').whereIn('id', messageIds).select('id', 'attachments')
      : [];
    for (const m of messages) {
      const refs = JSON.parse(m.attachments ?? '[]') as AttachmentRef[];
      const marked = refs.map((a) => (gone.has(a.id) ? { ...a, removed: true } : a));
      await trx('messages')
        .where({ id: m.id })
        .update({ attachments: JSON.stringify(marked), rev });
    }
    await trx('chat_attachments')
      .whereIn('id', [...gone])
      .delete();
    return rows.map((r) => ({
      id: r.id,
      file: r.file,
      thumbFile: r.thumb_file,
      conversationId: r.conversation_id,
      messageId: r.message_id,
    }));
  });
}
