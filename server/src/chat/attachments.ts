/**
 * Files in chat, composed: the upload route (app.ts mounts it before the session check), the
 * read routes, and retention — hourly, attachments older than `attachmentRetentionDays` (0:
 * kept for ever) lose row and file, and uploads never sent with a message go after a day.
 */
import path from 'node:path';
import type { Router } from 'express';
import type { ServerContext } from '../context';
import { AttachmentFiles } from './attachment-files';
import { pruneAttachments } from './attachments-repo';
import { attachmentRoutes } from './attachments-routes';
import { attachmentUploadRoute } from './attachments-upload';
import { conversationRoom } from './chat-events';
import { MESSAGE_COLUMNS, toMessage, type MessageRow } from './rows';

const DAY_MS = 24 * 3600_000;
const SWEEP_MS = 3600_000;
/** An upload the console never sent a message with (it gave up, or was refused). */
const UNSENT_KEEP_MS = DAY_MS;

export interface Attachments {
  uploadRoutes(): Router;
  readRoutes(): Router;
  /** Applies retention now (tests; otherwise hourly). Resolves with how many went. */
  prune(now?: number): Promise<number>;
  start(): void;
  stop(): void;
}

export function createAttachments(ctx: ServerContext): Attachments {
  const { knex, config, log } = ctx;
  const files = new AttachmentFiles(
    path.resolve(config.attachmentDir ?? path.join(config.dataDir, 'attachments')),
  );
  let timer: NodeJS.Timeout | null = null;

  /** Those looking at a thread see "removed by retention" at once; everybody else at `sync`. */
  const announceRemoved = async (messageIds: string[]) => {
    const unique = [...new Set(messageIds)];
    if (unique.length === 0) return;
    const rows: MessageRow[] = await knex('messages as m')
      .join('users as u', 'u.id', 'm.sender_id')
      .whereIn('m.id', unique)
      .select(...MESSAGE_COLUMNS);
    for (const row of rows) {
      const message = toMessage(row);
      ctx.io.to(conversationRoom(message.conversationId)).emit('newMessage', message);
    }
  };

  const prune = async (now = Date.now()) => {
    let total = 0;
    for (;;) {
      const days = config.attachmentRetentionDays;
      const gone = await pruneAttachments(knex, {
        sentBefore: days > 0 ? now - days * DAY_MS : null,
        unsentBefore: now - UNSENT_KEEP_MS,
      });
      for (const a of gone)
        for (const file of [a.file, a.thumbFile])
          if (file)
            await files
              .remove(file)
              .catch((err: unknown) => log.warn({ err, file }, 'attachment file not removed'));
      await announceRemoved(gone.flatMap((a) => (a.messageId ? [a.messageId] : [])));
      total += gone.length;
      if (gone.length < 1000) return total;
    }
  };

  return {
    uploadRoutes: () =>
      attachmentUploadRoute({
        knex,
        files,
        maxBytes: () => config.attachmentMaxBytes,
        maxInFlight: 16,
        bodyTimeoutMs: 120_000,
        log,
      }),
    readRoutes: () => attachmentRoutes({ knex, files }),
    prune,
    start() {
      timer = setInterval(() => {
        prune().catch((err: unknown) => log.error({ err }, 'attachment retention failed'));
      }, SWEEP_MS);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
    },
  };
}
