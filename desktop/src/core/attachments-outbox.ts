/**
 * Files in chat, on the console's side (desktop/README.md "Outbox with files"):
 *
 * - `prepareFiles`: what the composer picked, checked as the server will check it (size, type
 *   by the bytes), so a refusal is said at once, offline too;
 * - `uploadQueued`: before a queued message goes out, its files are uploaded over HTTP
 *   (`POST /api/conversations/:id/attachments`, retry-safe by each file's client id), then the
 *   message is sent with the attachment ids;
 * - `attachmentHandlers`: `getAttachment` reads a file back from the server (previews and
 *   downloads), as a data URL the renderer's CSP allows.
 */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  ATTACHMENT_MAX_BYTES_DEFAULT,
  ATTACHMENT_TYPES_SENTENCE,
  AttachmentUploadResponse,
  attachmentMimeOf,
  attachmentPaths,
  type Ack,
  type AttachmentMime,
  type AttachmentRef,
  type User,
} from '../../../protocol';
import { ConsoleError, type ConsoleResponses, type consoleRequests } from '../shared/console-api';
import type { ConsoleCache, OutboxEntry } from './cache/console-cache';
import type { QueuedFile } from './cache/outbox-files';

const UPLOAD_TIMEOUT_MS = 120_000;
const READ_TIMEOUT_MS = 60_000;

export function prepareFiles(
  files: { fileName: string; dataBase64: string }[],
): Omit<QueuedFile, 'attachmentId'>[] {
  return files.map((f) => {
    const data = Buffer.from(f.dataBase64, 'base64');
    if (data.length === 0) throw new ConsoleError('bad_request', `"${f.fileName}" is empty.`);
    if (data.length > ATTACHMENT_MAX_BYTES_DEFAULT)
      throw new ConsoleError(
        'too_large',
        `"${f.fileName}" is larger than ${ATTACHMENT_MAX_BYTES_DEFAULT / 1024 / 1024} MB, the most a file may be.`,
      );
    const mime = attachmentMimeOf(data, f.fileName);
    if (!mime)
      throw new ConsoleError(
        'bad_request',
        `"${f.fileName}" cannot be attached. ${ATTACHMENT_TYPES_SENTENCE}`,
      );
    return { clientId: randomUUID(), fileName: f.fileName, mime, data };
  });
}

/** A queued file as the thread shows it until it is sent (no id on the server yet). */
export const pendingAttachment = (a: {
  clientId: string;
  fileName: string;
  mime: AttachmentMime;
  bytes: number;
}): AttachmentRef => ({
  id: `pending_${a.clientId}`,
  fileName: a.fileName,
  mime: a.mime,
  bytes: a.bytes,
  width: null,
  height: null,
  removed: false,
});

type SendEntry = Extract<OutboxEntry, { kind: 'sendMessage' }>;

/**
 * Uploads the files of a queued message that are not uploaded yet; answers their server ids
 * in order. A refusal the sender cannot fix by waiting (too big, wrong type, no longer in the
 * conversation) fails the message; anything else (unreachable, busy) is `unavailable`, and the
 * outbox tries again.
 */
export async function uploadQueued(
  cache: ConsoleCache,
  session: { serverUrl: string; token: string } | null,
  entry: SendEntry,
): Promise<Ack<string[]>> {
  if (!entry.payload.attachments?.length) return { ok: true, data: [] };
  if (!session) return { ok: false, error: { code: 'unavailable', message: 'not connected' } };
  const ids: string[] = [];
  for (const file of cache.outboxFiles.list(entry.seq)) {
    if (file.attachmentId) {
      ids.push(file.attachmentId);
      continue;
    }
    let res: Response;
    try {
      res = await fetch(
        new URL(attachmentPaths.upload(entry.payload.conversationId), session.serverUrl),
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${session.token}`,
            'content-type': file.mime,
            'x-filename': encodeURIComponent(file.fileName),
            'x-client-id': file.clientId,
          },
          body: new Uint8Array(file.data),
          signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS),
        },
      );
    } catch (err) {
      return { ok: false, error: { code: 'unavailable', message: (err as Error).message } };
    }
    const json = (await res.json().catch(() => null)) as unknown;
    if (!res.ok) {
      const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
      const permanent = res.status < 500 && res.status !== 408 && res.status !== 429;
      return {
        ok: false,
        error: {
          code: (permanent ? (error?.code ?? 'bad_request') : 'unavailable') as 'bad_request',
          message: `"${file.fileName}": ${error?.message ?? `upload failed (${res.status})`}`,
        },
      };
    }
    const parsed = AttachmentUploadResponse.safeParse(json);
    if (!parsed.success)
      return { ok: false, error: { code: 'unavailable', message: 'unexpected upload answer' } };
    cache.outboxFiles.uploaded(file.clientId, parsed.data.attachment.id);
    ids.push(parsed.data.attachment.id);
  }
  return { ok: true, data: ids };
}

type Handlers = {
  getAttachment: (
    req: z.output<(typeof consoleRequests)['getAttachment']>,
  ) => Promise<ConsoleResponses['getAttachment']>;
};

export function attachmentHandlers(
  session: () => { user: User; serverUrl: string; token: string | null },
): Handlers {
  return {
    getAttachment: async ({ attachmentId, thumb }) => {
      const { serverUrl, token } = session();
      if (!token)
        throw new ConsoleError('unavailable', 'Attachments need the server: sign in again.');
      let res: Response;
      try {
        res = await fetch(new URL(attachmentPaths.file(attachmentId, thumb), serverUrl), {
          headers: { authorization: `Bearer ${token}` },
          signal: AbortSignal.timeout(READ_TIMEOUT_MS),
        });
      } catch (err) {
        throw new ConsoleError(
          'unavailable',
          `The file could not be loaded: cannot reach ${serverUrl} (${(err as Error).message}).`,
        );
      }
      if (!res.ok) {
        const error = await res
          .json()
          .then((j: { error?: { code?: string; message?: string } }) => j.error)
          .catch(() => undefined);
        throw new ConsoleError(
          error?.code ?? `http_${res.status}`,
          error?.message ?? `The file could not be loaded (${res.status}).`,
        );
      }
      const mime = (res.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!;
      const data = Buffer.from(await res.arrayBuffer()).toString('base64');
      return { dataUrl: `data:${mime};base64,${data}`, mime };
    },
  };
}
