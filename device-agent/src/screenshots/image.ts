/**
 * What a capture wrote, made into something to compare and something to upload. PNG and XWD
 * are decoded here (pngjs, ./xwd.ts: plain JS, so the one-file agent stays one file); a JPEG is
 * uploaded as it is but cannot be compared (no decoder in the agent): configure the capture to
 * write PNG where blank/frozen detection matters (README).
 */
import { PNG } from 'pngjs';
import { SCREENSHOT_UPLOAD_MAX_BYTES, imageMimeOf, type ScreenshotMime } from '../../../protocol';
import { decodeXwd, looksLikeXwd, type Rgba } from './xwd';

export interface Captured {
  /** The format the capture wrote. */
  format: 'png' | 'jpeg' | 'xwd';
  /** Decoded pixels (null for JPEG). */
  pixels: Rgba | null;
  /** The capture's own bytes when they can be uploaded as they are (PNG, JPEG). */
  encoded: { mime: ScreenshotMime; data: Buffer } | null;
  width: number | null;
  height: number | null;
}

/** Reads a JPEG's size from its SOF marker (no decoding). */
function jpegSize(buf: Buffer): { width: number; height: number } | null {
  let at = 2;
  while (at + 9 < buf.length) {
    if (buf[at] !== 0xff) return null;
    const marker = buf[at + 1]!;
    const length = buf.readUInt16BE(at + 2);
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker))
      return { height: buf.readUInt16BE(at + 5), width: buf.readUInt16BE(at + 7) };
    at += 2 + length;
  }
  return null;
}

export function readCapture(buf: Buffer): Captured {
  const mime = imageMimeOf(buf.subarray(0, 8));
  if (mime === 'image/png') {
    const png = PNG.sync.read(buf);
    const pixels = { width: png.width, height: png.height, data: png.data };
    return { format: 'png', pixels, encoded: { mime, data: buf }, ...size(pixels) };
  }
  if (mime === 'image/jpeg') {
    const s = jpegSize(buf);
    return {
      format: 'jpeg',
      pixels: null,
      encoded: { mime, data: buf },
      width: s?.width ?? null,
      height: s?.height ?? null,
    };
  }
  if (looksLikeXwd(buf)) {
    const pixels = decodeXwd(buf);
    return { format: 'xwd', pixels, encoded: null, ...size(pixels) };
  }
  throw new Error('the capture wrote neither a PNG, a JPEG nor an XWD image');
}

const size = (p: Rgba) => ({ width: p.width, height: p.height });

export function encodePng(p: Rgba): Buffer {
  return PNG.sync.write(
    Object.assign(new PNG({ width: p.width, height: p.height }), { data: p.data }),
    { colorType: 2, deflateLevel: 6 },
  );
}

/** Half the size, averaging 2×2 blocks. */
function halve(p: Rgba): Rgba {
  const width = Math.max(1, Math.floor(p.width / 2));
  const height = Math.max(1, Math.floor(p.height / 2));
  const data = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < 4; c++) {
        const at = (sx: number, sy: number) =>
          p.data[(Math.min(sy, p.height - 1) * p.width + Math.min(sx, p.width - 1)) * 4 + c]!;
        data[(y * width + x) * 4 + c] =
          (at(2 * x, 2 * y) +
            at(2 * x + 1, 2 * y) +
            at(2 * x, 2 * y + 1) +
            at(2 * x + 1, 2 * y + 1)) >>
          2;
      }
  return { width, height, data };
}

/** The bytes to upload: the capture's own PNG/JPEG, else a PNG of its pixels, under the cap. */
export function uploadable(
  shot: Captured,
  maxBytes = SCREENSHOT_UPLOAD_MAX_BYTES,
): { mime: ScreenshotMime; data: Buffer } {
  if (shot.encoded && shot.encoded.data.length <= maxBytes) return shot.encoded;
  if (!shot.pixels)
    throw new Error(`the captured JPEG is larger than the server takes (${maxBytes} bytes)`);
  let pixels = shot.pixels;
  for (;;) {
    const data = encodePng(pixels);
    if (data.length <= maxBytes) return { mime: 'image/png', data };
    if (pixels.width < 64) throw new Error('the capture does not fit the upload limit');
    pixels = halve(pixels);
  }
}
