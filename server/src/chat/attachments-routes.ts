/**
 * Reading attachments and the team's waiting list (mounted after the session check):
 *
 *   GET /attachments/:id[?thumb=1]   the file, to those who may read its conversation
 *                                    (participants, and staff: server/src/chat/access.ts);
 *                                    an upload not sent yet, to its uploader only
 *   GET /conversations/waiting       staff: conversations whose last word is an advertiser's,
 *                                    the longest waiting first
 *
 * Never inline markup: images are served as what their bytes are (PNG, JPEG, WebP, GIF — no
 * SVG is ever accepted), everything else as a download (`Content-Disposition: attachment`),
 * with `nosniff` and a sandboxing CSP, so a file can never run script in the console's origin.
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import { AttachmentId, isPreviewable, type User } from '../../../protocol';
import { AppError } from '../errors';
import { requireRole, route, userOf } from '../http/middleware';
import { canRead } from './access';
import type { AttachmentFiles } from './attachment-files';
import { attachmentById } from './attachments-repo';
import { loadViews, personalize } from './conversations-repo';
import type { ConversationRow } from './rows';

const WAITING_LIMIT = 500;

/** RFC 6266 / 5987: an ASCII fallback and the exact name. */
function disposition(kind: 'inline' | 'attachment', fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

export function attachmentRoutes(deps: { knex: Knex; files: AttachmentFiles }): Router {
  const { knex, files } = deps;
  const router = Router();

  router.get(
    '/attachments/:id',
    route(async (req, res) => {
      const me: User = userOf(res);
      const id = String(req.params.id);
      const notFound = () =>
        new AppError('not_found', `no attachment "${id}" in a conversation you can read`);
      if (!AttachmentId.safeParse(id).success) throw notFound();
      const row = await attachmentById(knex, id);
      if (!row) throw notFound();
      const readable =
        row.message_id === null
          ? row.uploader_id === me.id
          : await canRead(knex, me, row.conversation_id);
      // Outside the conversation, it does not exist: not even its existence is told.
      if (!readable) throw notFound();
      const thumb = req.query.thumb === '1' && row.thumb_file !== null;
      const data = await files.read(thumb ? row.thumb_file! : row.file).catch(() => {
        throw new AppError('not_found', `the file of attachment "${id}" is gone`);
      });
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
      res.setHeader('Cache-Control', 'private, max-age=3600');
      res.setHeader('Content-Type', thumb ? 'image/webp' : row.mime);
      res.setHeader(
        'Content-Disposition',
        disposition(isPreviewable(row.mime) ? 'inline' : 'attachment', row.file_name),
      );
      res.send(data);
    }),
  );

  router.get(
    '/conversations/waiting',
    requireRole('admin', 'operator'),
    route(async (_req, res) => {
      const me = userOf(res);
      const rows: ConversationRow[] = await knex('conversations')
        .whereNotNull('waiting_since')
        .orderBy([{ column: 'waiting_since' }, { column: 'id' }])
        .limit(WAITING_LIMIT);
      const views = await loadViews(knex, rows);
      res.json({ conversations: views.map((v) => personalize(v, me.id)) });
    }),
  );

  return router;
}
