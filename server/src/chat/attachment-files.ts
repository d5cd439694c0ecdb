/**
 * Attachment bytes: files under the attachment directory, `<conversationId>/<attachmentId>`
 * (no extension: nothing serves the directory, the row says the type). Written to a temporary
 * name and renamed, so a reader never sees half a file. Images get a small preview
 * (`<id>.thumb.webp`) made with sharp, which also proves they decode.
 */
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { isPreviewable, type AttachmentMime } from '../../../protocol';

const MAX_INPUT_PIXELS = 8192 * 8192;
export const THUMB_SIDE = 320;

export class AttachmentFiles {
  constructor(readonly dir: string) {}

  private absolute(relative: string): string {
    const full = path.resolve(this.dir, relative);
    // Ids are generated or validated before they get here; this only makes sure of it.
    if (!full.startsWith(path.resolve(this.dir) + path.sep))
      throw new Error(`attachment path outside its directory: ${relative}`);
    return full;
  }

  async write(relative: string, data: Buffer): Promise<void> {
    const full = this.absolute(relative);
    await mkdir(path.dirname(full), { recursive: true });
    const tmp = `${full}.tmp-${process.pid}`;
    await writeFile(tmp, data);
    await rename(tmp, full);
  }

  read(relative: string): Promise<Buffer> {
    return readFile(this.absolute(relative));
  }

  /** A file already gone is not an error (another node, or a retry, removed it). */
  async remove(relative: string): Promise<void> {
    await unlink(this.absolute(relative)).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}

export interface Preview {
  thumb: Buffer;
  width: number;
  height: number;
}

/** An image's size and preview; null for other types. Throws when the image does not decode. */
export async function previewOf(body: Buffer, mime: AttachmentMime): Promise<Preview | null> {
  if (!isPreviewable(mime)) return null;
  const image = sharp(body, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' });
  const meta = await image.metadata();
  const thumb = await image
    .resize({ width: THUMB_SIDE, height: THUMB_SIDE, fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 75 })
    .toBuffer();
  return { thumb, width: meta.width ?? 1, height: meta.pageHeight ?? meta.height ?? 1 };
}
