/**
 * X11 XWD (what `xwd -root` writes) to RGBA, so an X11 screen needs only `xwd` (x11-apps) and
 * no ImageMagick. Handles the ZPixmap true/direct-colour images X servers give today (16, 24
 * and 32 bits per pixel, either byte order) and 8-bit pseudo-colour with its colour map. The
 * header is always big-endian; the pixels are in the image's own `byte_order`.
 */
export interface Rgba {
  width: number;
  height: number;
  /** 4 bytes per pixel, row after row. */
  data: Buffer;
}

const HEADER_FIELDS = 25;
const XWD_VERSION = 7;
const Z_PIXMAP = 2;

export function looksLikeXwd(buf: Buffer): boolean {
  return buf.length >= 100 && buf.readUInt32BE(4) === XWD_VERSION && buf.readUInt32BE(0) >= 100;
}

/** Bit position and width of a colour mask, to scale its value to 0–255. */
function maskShape(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 1 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

export function decodeXwd(buf: Buffer): Rgba {
  if (!looksLikeXwd(buf)) throw new Error('not an XWD image');
  const h = Array.from({ length: HEADER_FIELDS }, (_, i) => buf.readUInt32BE(i * 4));
  const [headerSize, , format, , width, height, , byteOrder] = h as [number, ...number[]];
  const bitsPerPixel = h[11]!;
  const bytesPerLine = h[12]!;
  const visualClass = h[13]!;
  const masks = [h[14]!, h[15]!, h[16]!];
  const ncolors = h[19]!;
  if (format !== Z_PIXMAP) throw new Error(`XWD pixmap format ${format} is not supported`);
  if (![8, 16, 24, 32].includes(bitsPerPixel))
    throw new Error(`XWD with ${bitsPerPixel} bits per pixel is not supported`);
  if (!width || !height || width > 16384 || height > 16384)
    throw new Error(`XWD size ${width}x${height} is not plausible`);
  const colorsAt = headerSize;
  const pixelsAt = colorsAt + ncolors * 12;
  if (buf.length < pixelsAt + bytesPerLine * height) throw new Error('XWD image is cut short');
  const little = byteOrder === 0;
  const bytes = bitsPerPixel / 8;
  const read = (at: number): number => {
    if (bytes === 1) return buf[at]!;
    if (bytes === 2) return little ? buf.readUInt16LE(at) : buf.readUInt16BE(at);
    if (bytes === 3)
      return little
        ? buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16)
        : (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
    return little ? buf.readUInt32LE(at) : buf.readUInt32BE(at);
  };
  const out = Buffer.alloc(width * height * 4);
  // Pseudo-colour (classes 0–3): each pixel is an index into the colour map.
  if (visualClass < 4) {
    const map = new Map<number, [number, number, number]>();
    for (let i = 0; i < ncolors; i++) {
      const at = colorsAt + i * 12;
      map.set(buf.readUInt32BE(at), [buf[at + 4]!, buf[at + 6]!, buf[at + 8]!]);
    }
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const [r, g, b] = map.get(read(pixelsAt + y * bytesPerLine + x * bytes)) ?? [0, 0, 0];
        const o = (y * width + x) * 4;
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        out[o + 3] = 255;
      }
    return { width, height, data: out };
  }
  const shapes = masks.map(maskShape);
  for (let y = 0; y < height; y++) {
    const row = pixelsAt + y * bytesPerLine;
    for (let x = 0; x < width; x++) {
      const p = read(row + x * bytes);
      const o = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const { shift, max } = shapes[c]!;
        out[o + c] = Math.round((((p & masks[c]!) >>> shift) * 255) / max);
      }
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}
