/**
 * `POST /api/conversations/:id/attachments`: the body is the file itself (any Content-Type;
 * the type is read from its bytes), `X-Filename` (URL-encoded) and `X-Client-Id` (retry-safe).
 * Mounted by app.ts before the JSON parser and the session check, because every limit holds
 * before authentication: a Content-Length over the cap is refused before a byte of body is
 * read, and so are too many uploads at once; a body without one (chunked) is cut at the cap.
 * A refused request is answered at once with `Connection: close` and its connection ended,
 * so an unread body never holds it (or us) up. Then the session, then write access to the
 * conversation (participants only: uploading is sending), then the bytes.
 */
import type { RequestHandler } from 'express';
import { Router } from 'express';
import type { Knex } from 'knex';
import {
  ATTACHMENT_TYPES_SENTENCE,
  AttachmentUploadHeaders,
  attachmentMimeOf,
  type AttachmentUploadResponse,
} from '../../../protocol';
import { verifySession } from '../auth/sessions';
import { newId } from '../auth/tokens';
import { AppError, httpStatusOf } from '../errors';
import { bearerToken } from '../http/middleware';
import { readCappedBody, refuseUpload, sizeText } from '../http/raw-upload';
import type { Logger } from '../log';
import { requireParticipant } from './access';
import { AttachmentFiles, previewOf } from './attachment-files';
import {
  attachmentByClientId,
  insertAttachment,
  toAttachmentRef,
  type AttachmentRow,
} from './attachments-repo';
import { isUniqueViolation } from './rows';

export interface UploadDeps {
  knex: Knex;
  files: AttachmentFiles;
  maxBytes: () => number;
  maxInFlight: number;
  bodyTimeoutMs: number;
  log: Logger;
}

export function attachmentUploadRoute(deps: UploadDeps): Router {
  const { knex, files, log } = deps;
  const router = Router();
  let inFlight = 0;

  const handler: RequestHandler = (req, res) => {
    const max = deps.maxBytes();
    const tooBig = `An attachment may be at most ${sizeText(max)}.`;
    if (inFlight >= deps.maxInFlight)
      return refuseUpload(
        req,
        res,
        503,
        'unavailable',
        'Too many uploads at once; try again shortly.',
      );
    const declared = req.headers['content-length'];
    if (declared !== undefined && Number(declared) > max)
      return refuseUpload(req, res, 413, 'too_large', tooBig);
    const headers = AttachmentUploadHeaders.safeParse(req.headers);
    if (!headers.success)
      return refuseUpload(req, res, 400, 'bad_request', headers.error.issues[0]!.message);
    const conversationId = String(req.params.id);
    const { 'x-filename': fileName, 'x-client-id': clientId } = headers.data;
    inFlight++;
    const work = async () => {
      const session = await verifySession(knex, bearerToken(req));
      if (!session)
        return refuseUpload(
          req,
          res,
          401,
          'unauthorized',
          'sign in first (Authorization: Bearer <token>)',
        );
      const user = session.user;
      await requireParticipant(knex, user, conversationId);
      const earlier = await attachmentByClientId(knex, user.id, clientId);
      if (earlier) {
        if (earlier.conversation_id !== conversationId)
          return refuseUpload(
            req,
            res,
            409,
            'conflict',
            `X-Client-Id "${clientId}" was already used for an attachment in another conversation`,
          );
        // A retry: the stored one. The body is read (and dropped) first, so the sender —
        // still sending it — gets a clean answer rather than a cut connection.
        const drained = await readCappedBody(req, max, deps.bodyTimeoutMs);
        if (drained === 'too_large') return refuseUpload(req, res, 413, 'too_large', tooBig);
        if (drained === 'timeout')
          return refuseUpload(req, res, 408, 'bad_request', 'The file took too long to arrive.');
        if (drained === 'aborted') return;
        return res.status(200).json(answer(earlier));
      }
      const body = await readCappedBody(req, max, deps.bodyTimeoutMs);
      if (body === 'too_large') return refuseUpload(req, res, 413, 'too_large', tooBig);
      if (body === 'timeout')
        return refuseUpload(req, res, 408, 'bad_request', 'The file took too long to arrive.');
      if (body === 'aborted') return;
      if (body.length === 0)
        return refuseUpload(req, res, 400, 'bad_request', 'The file is empty.');
      const mime = attachmentMimeOf(body, fileName);
      if (!mime)
        return refuseUpload(
          req,
          res,
          415,
          'bad_request',
          `"${fileName}" is not a file that can be attached. ${ATTACHMENT_TYPES_SENTENCE}`,
        );
      let preview;
      try {
        preview = await previewOf(body, mime);
      } catch (err) {
        return refuseUpload(
          req,
          res,
          400,
          'bad_request',
          `"${fileName}" could not be read as an image: ${(err as Error).message}.`,
        );
      }
      const id = `att_${newId()
        .replace(/[^A-Za-z0-9]/g, '')
        .slice(0, 32)}`;
      const row: AttachmentRow = {
        id,
        client_id: clientId,
        uploader_id: user.id,
        conversation_id: conversationId,
        message_id: null,
        file_name: fileName,
        mime,
        bytes: body.length,
        width: preview?.width ?? null,
        height: preview?.height ?? null,
        file: `${conversationId}/${id}`,
        thumb_file: preview ? `${conversationId}/${id}.thumb.webp` : null,
        created_at: Date.now(),
      };
      await files.write(row.file, body);
      if (preview) await files.write(row.thumb_file!, preview.thumb);
      try {
        await insertAttachment(knex, row);
      } catch (err) {
        await files.remove(row.file);
        if (row.thumb_file) await files.remove(row.thumb_file);
        // Raced by the same upload: answer the one that won.
        const stored = isUniqueViolation(err)
          ? await attachmentByClientId(knex, user.id, clientId)
          : null;
        if (stored) return res.status(200).json(answer(stored));
        throw err;
      }
      res.status(201).json(answer(row));
    };
    work()
      .catch((err: unknown) => {
        if (err instanceof AppError)
          return refuseUpload(req, res, httpStatusOf[err.code], err.code, err.message);
        log.error({ err, conversationId }, 'attachment upload failed');
        refuseUpload(req, res, 500, 'internal', 'The file could not be stored.');
      })
      .finally(() => inFlight--);
  };
  router.post('/conversations/:id/attachments', handler);
  return router;
}

function answer(row: AttachmentRow): AttachmentUploadResponse {
  return {
    attachment: {
      ...toAttachmentRef(row),
      conversationId: row.conversation_id,
      clientId: row.client_id,
    },
  };
}
