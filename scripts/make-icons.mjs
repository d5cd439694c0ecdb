#!/usr/bin/env node
// Marquee's icons for every platform, from one source image: resources/icons/icon.png
// (1024×1024). `node scripts/make-icons.mjs --draw` first redraws that source (a rounded tile
// with a blue-violet gradient and three "marquee" bars) with no image library; without
// --draw the source is taken as it is, so a designer's icon.png can replace the drawing.
// From the source: png/<size>x<size>.png (Linux, electron-builder's icon set), icon.ico
// (Windows: 16–256, made by ImageMagick's `convert`), icon.icns (macOS: PNG entries 16–1024,
// written here; the format is a list of typed chunks), tray.png (32). Run again after
// changing the source, and commit the results (CI checks them, it does not make them).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
};

function draw(size) {
  const px = Buffer.alloc(size * (size * 4 + 1));
  const r = size * 0.22;
  for (let y = 0; y < size; y++) {
    px[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      // Rounded-square mask with a one-pixel soft edge.
      const dx = Math.max(r - x, x - (size - 1 - r), 0);
      const dy = Math.max(r - y, y - (size - 1 - r), 0);
      const alpha = Math.max(0, Math.min(1, r - Math.hypot(dx, dy) + 0.5));
      const t = (x + y) / (2 * size);
      let [R, G, B] = [
        Math.round(59 + (139 - 59) * t),
        Math.round(130 + (92 - 130) * t),
        Math.round(246 + (246 - 246) * t),
      ];
      // Three horizontal bars of decreasing length: a marquee of screens.
      const bars = [
        [0.32, 0.6],
        [0.5, 0.48],
        [0.68, 0.36],
      ];
      for (const [cy, len] of bars) {
        if (Math.abs(y / size - cy) < 0.055 && x / size > 0.2 && x / size < 0.2 + len)
          [R, G, B] = [255, 255, 255];
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      px[o] = R;
      px[o + 1] = G;
      px[o + 2] = B;
      px[o + 3] = Math.round(alpha * 255);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', zlib.deflateSync(px)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = path.resolve(import.meta.dirname, '../resources/icons');
const source = path.join(out, 'icon.png');
fs.mkdirSync(path.join(out, 'png'), { recursive: true });
if (process.argv.includes('--draw')) fs.writeFileSync(source, draw(1024));

const resized = (size) => {
  const file = path.join(out, 'png', `${size}x${size}.png`);
  execFileSync('convert', [source, '-resize', `${size}x${size}`, `PNG32:${file}`]);
  return file;
};
const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const files = Object.fromEntries(sizes.map((size) => [size, resized(size)]));

execFileSync(
  'convert',
  [16, 24, 32, 48, 64, 128, 256].map((s) => files[s]).concat(path.join(out, 'icon.ico')),
);

// ICNS: 'icns' + total length, then chunks of (type, length incl. 8-byte header, PNG data).
const ICNS_TYPES = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
  ['ic11', 32],
  ['ic12', 64],
  ['ic13', 256],
  ['ic14', 512],
];
const icnsChunks = ICNS_TYPES.map(([type, size]) => {
  const png = fs.readFileSync(files[size]);
  const header = Buffer.alloc(8);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(png.length + 8, 4);
  return Buffer.concat([header, png]);
});
const icnsHeader = Buffer.alloc(8);
icnsHeader.write('icns', 0, 'latin1');
icnsHeader.writeUInt32BE(8 + icnsChunks.reduce((n, c) => n + c.length, 0), 4);
fs.writeFileSync(path.join(out, 'icon.icns'), Buffer.concat([icnsHeader, ...icnsChunks]));

fs.copyFileSync(files[32], path.join(out, 'tray.png'));
fs.rmSync(files[24]);
console.log(`icons written to ${out}`);
