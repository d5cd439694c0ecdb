/**
 * The cheap look at a capture that blank/frozen detection needs: the picture reduced to a small
 * grid of luma values (GRID_W × GRID_H cells, each the mean of up to 8×8 sampled pixels), its
 * spread, and the difference between two grids. A 1920×1080 frame costs ~150k pixel reads,
 * not two million.
 */
import type { Rgba } from './xwd';

export const GRID_W = 64;
export const GRID_H = 36;
const SAMPLES = 8;

export type LumaGrid = Float32Array;

export function lumaGrid(p: Rgba): LumaGrid {
  const grid = new Float32Array(GRID_W * GRID_H);
  for (let gy = 0; gy < GRID_H; gy++) {
    const y0 = Math.floor((gy * p.height) / GRID_H);
    const y1 = Math.max(y0 + 1, Math.floor(((gy + 1) * p.height) / GRID_H));
    for (let gx = 0; gx < GRID_W; gx++) {
      const x0 = Math.floor((gx * p.width) / GRID_W);
      const x1 = Math.max(x0 + 1, Math.floor(((gx + 1) * p.width) / GRID_W));
      let sum = 0;
      let n = 0;
      const sy = Math.max(1, Math.floor((y1 - y0) / SAMPLES));
      const sx = Math.max(1, Math.floor((x1 - x0) / SAMPLES));
      for (let y = y0; y < y1 && y < p.height; y += sy)
        for (let x = x0; x < x1 && x < p.width; x += sx) {
          const o = (y * p.width + x) * 4;
          // Rec. 601 luma.
          sum += 0.299 * p.data[o]! + 0.587 * p.data[o + 1]! + 0.114 * p.data[o + 2]!;
          n++;
        }
      grid[gy * GRID_W + gx] = n ? sum / n : 0;
    }
  }
  return grid;
}

/** Luma spread from the 1st to the 99th percentile: a "No signal" caption does not count. */
export function lumaRange(grid: LumaGrid): number {
  const sorted = Float32Array.from(grid).sort();
  const lo = sorted[Math.floor(sorted.length * 0.01)]!;
  const hi = sorted[Math.ceil(sorted.length * 0.99) - 1]!;
  return hi - lo;
}

export function meanLuma(grid: LumaGrid): number {
  let s = 0;
  for (const v of grid) s += v;
  return s / grid.length;
}

/** Mean absolute difference of two grids (0: the same picture). */
export function gridDifference(a: LumaGrid, b: LumaGrid): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}
