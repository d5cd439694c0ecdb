/**
 * What the simulated player "shows", as a real PNG (pngjs): the campaign's colour, the
 * creative's title, its id and the time to the second (so successive frames differ, as a
 * playing screen's do), and a bar of how far into its slot it is. A display that is off or
 * rebooting shows black. Small (480×270) on purpose: a fleet of them must stay cheap.
 */
import { PNG } from 'pngjs';
import type { Content } from '../../../protocol';
import { drawText } from './tiny-font';

export const FRAME_W = 480;
export const FRAME_H = 270;

/** A campaign's colour, the same on every screen that plays it. */
export function campaignColour(campaignId: string): [number, number, number] {
  let h = 0;
  for (const ch of campaignId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  const hue = (h % 360) / 60;
  const f = hue - Math.floor(hue);
  const [hi, lo, up, down] = [200, 40, 40 + 160 * f, 200 - 160 * f];
  const sextant = Math.floor(hue);
  const table: [number, number, number][] = [
    [hi, up, lo],
    [down, hi, lo],
    [lo, hi, up],
    [lo, down, hi],
    [up, lo, hi],
    [hi, lo, down],
  ];
  return table[sextant]!.map(Math.round) as [number, number, number];
}

export function renderFrame(
  content: Content | null,
  showing: boolean,
  at: number,
  slotMs: number,
): Buffer {
  const png = new PNG({ width: FRAME_W, height: FRAME_H });
  const data = png.data;
  const fill = (x0: number, y0: number, w: number, h: number, rgb: [number, number, number]) => {
    for (let y = Math.max(0, y0); y < Math.min(FRAME_H, y0 + h); y++)
      for (let x = Math.max(0, x0); x < Math.min(FRAME_W, x0 + w); x++) {
        const o = (y * FRAME_W + x) * 4;
        data[o] = rgb[0];
        data[o + 1] = rgb[1];
        data[o + 2] = rgb[2];
        data[o + 3] = 255;
      }
  };
  fill(0, 0, FRAME_W, FRAME_H, [0, 0, 0]);
  if (showing && content) {
    const colour = campaignColour(content.campaignId);
    fill(0, 0, FRAME_W, FRAME_H, colour);
    fill(0, 170, FRAME_W, 100, [20, 20, 28]);
    const white = (x: number, y: number) => fill(x, y, 1, 1, [255, 255, 255]);
    const title = content.title
      .replace(/[^A-Za-z0-9 :.%-]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    drawText(title.slice(0, 26), 16, 40, 3, white);
    drawText(content.creativeId.slice(0, 36), 16, 100, 2, white);
    drawText(new Date(at).toISOString().slice(11, 19), 16, 190, 4, white);
    const progress = Math.min(1, Math.max(0, (at - content.since) / slotMs));
    fill(16, 246, Math.round((FRAME_W - 32) * progress), 10, colour);
  }
  return PNG.sync.write(png, { colorType: 2, deflateLevel: 3 });
}
