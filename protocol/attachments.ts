/**
 * Chat tied to work and files in chat (issue 12), on the wire.
 *
 * - A conversation may be **about** a screen, a booking or a campaign (`about`). A screen one
 *   also sets `screenId` (what the screen's visibility follows, as before).
 * - `waitingSince`: when the oldest advertiser message nobody of the operations team has
 *   answered was sent; null when the last word is the team's (or nobody wrote yet).
 *   `GET /api/conversations/waiting` (staff): every such conversation, oldest first.
 * - Attachments are uploaded over HTTP, never through the socket:
 *   `POST /api/conversations/:id/attachments`, the body is the file itself, headers
 *   `X-Filename` (URL-encoded), `X-Client-Id` (the console's id: a retry answers the stored
 *   attachment, 200 instead of 201). The type is decided by the file's first bytes, never by
 *   `Content-Type` or the name. Then the message is sent with `attachmentIds`.
 *   `GET /api/attachments/:id` the file (`?thumb=1`: an image's preview), to the
 *   conversation's readers only; everything else is downloaded, never shown inline.
 */
import { z } from 'zod';

export const AboutType = z.enum(['screen', 'booking', 'campaign']);
export type AboutType = z.infer<typeof AboutType>;

export const ConversationAbout = z
  .object({
    type: AboutType,
    id: z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'an id is 1-64 letters, digits, or . _ : -'),
  })
  .strict();
export type ConversationAbout = z.infer<typeof ConversationAbout>;

/** The largest attachment a server takes by default (MARQUEE_ATTACHMENT_MAX_BYTES). */
export const ATTACHMENT_MAX_BYTES_DEFAULT = 10 * 1024 * 1024;
export const MAX_ATTACHMENTS_PER_MESSAGE = 10;

/** What may be attached, by the type its bytes show. */
export const AttachmentMime = z.enum([
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'application/pdf',
  'video/mp4',
  'text/plain',
]);
export type AttachmentMime = z.infer<typeof AttachmentMime>;
export const ATTACHMENT_TYPES_SENTENCE =
  'Only PNG, JPEG, WebP and GIF images, PDF documents, MP4 videos and plain-text (.txt) files can be attached.';

export const isPreviewable = (mime: string): boolean =>
  mime === 'image/png' || mime === 'image/jpeg' || mime === 'image/webp' || mime === 'image/gif';

export const AttachmentId = z.string().regex(/^att_[A-Za-z0-9]{6,40}$/, 'not an attachment id');

/** An attachment as a message carries it. `removed`: pruned by retention (the file is gone). */
export const AttachmentRef = z.object({
  id: AttachmentId,
  fileName: z.string(),
  mime: AttachmentMime,
  bytes: z.number().int().nonnegative(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  removed: z.boolean(),
});
export type AttachmentRef = z.infer<typeof AttachmentRef>;

export const AttachmentUploadResponse = z.object({
  attachment: AttachmentRef.extend({ conversationId: z.string(), clientId: z.string() }),
});
export type AttachmentUploadResponse = z.infer<typeof AttachmentUploadResponse>;

export const AttachmentFileName = z
  .string()
  .trim()
  .min(1, 'name the file (X-Filename)')
  .max(200, 'a file name is at most 200 characters')
  .refine(
    (s) => !/[\u0000-\u001f\u007f/\\]/.test(s),
    'a file name may not hold / \\ or control characters',
  );

export const AttachmentUploadHeaders = z.object({
  'x-filename': z
    .string({ error: 'name the file (X-Filename)' })
    .transform((s, ctx) => {
      try {
        return decodeURIComponent(s);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'X-Filename is not URL-encoded text' });
        return z.NEVER;
      }
    })
    .pipe(AttachmentFileName),
  'x-client-id': z
    .string({ error: 'send X-Client-Id (8-64 letters, digits, - or _)' })
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'X-Client-Id: 8-64 letters, digits, - or _'),
});

const MP4_BRANDS = ['isom', 'iso2', 'iso4', 'iso5', 'iso6', 'mp41', 'mp42', 'avc1', 'M4V ', 'dash'];

/**
 * The type of a file by its first bytes (never what the sender says). Text is taken only for
 * a `.txt` name and bytes that are UTF-8 without NUL: a page renamed .png is refused.
 */
export function attachmentMimeOf(bytes: Uint8Array, fileName: string): AttachmentMime | null {
  const at = (i: number, ...b: number[]) => b.every((v, k) => bytes[i + k] === v);
  const ascii = (i: number, s: string) => at(i, ...[...s].map((c) => c.charCodeAt(0)));
  if (at(0, 0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (at(0, 0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, '%PDF-')) return 'application/pdf';
  // MP4 brands only: HEIC and QuickTime share the `ftyp` box but are not what we take.
  if (ascii(4, 'ftyp') && MP4_BRANDS.some((b) => ascii(8, b))) return 'video/mp4';
  if (/\.txt$/i.test(fileName) && !bytes.includes(0)) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      return 'text/plain';
    } catch {
      return null;
    }
  }
  return null;
}

export const attachmentPaths = {
  upload: (conversationId: string) =>
    `/api/conversations/${encodeURIComponent(conversationId)}/attachments`,
  file: (attachmentId: string, thumb = false) =>
    `/api/attachments/${encodeURIComponent(attachmentId)}${thumb ? '?thumb=1' : ''}`,
  waiting: '/api/conversations/waiting',
};
