/**
 * The images themselves: files under the screenshot directory, `<screenId>/<shotId>.<ext>`.
 * Written to a temporary name and renamed, so a reader never sees half a file.
 */
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScreenshotMime } from '../../../protocol';

export class ScreenshotFiles {
  constructor(readonly dir: string) {}

  relativeFor(screenId: string, shotId: string, mime: ScreenshotMime): string {
    return `${screenId}/${shotId}.${mime === 'image/png' ? 'png' : 'jpg'}`;
  }

  private absolute(relative: string): string {
    const full = path.resolve(this.dir, relative);
    // Ids are validated before they get here; this only makes sure of it.
    if (!full.startsWith(path.resolve(this.dir) + path.sep))
      throw new Error(`screenshot path outside its directory: ${relative}`);
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
