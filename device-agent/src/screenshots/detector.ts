/**
 * Blank and frozen screens, from successive captures: a capture whose luma spread is at most
 * `blankMaxLumaRange` for `blankAfterCaptures` captures in a row raises `blank_screen`; captures
 * that differ by at most `frozenMaxDiff` from the one before for `frozenAfterMs` raise
 * `frozen_screen` (not while blank: a black screen is reported as blank, not also as frozen).
 * Each clears when the picture changes. While the display is off nothing is judged and what
 * was raised clears: a dark screen that was turned off is not a fault.
 */
import { BLANK_SCREEN_FAULT, FROZEN_SCREEN_FAULT } from '../../../protocol';
import type { ScreenshotsConfig } from '../config';
import type { PlayerEvent } from '../player/player';
import { gridDifference, lumaRange, meanLuma, type LumaGrid } from './analyse';

export type DetectorThresholds = Pick<
  ScreenshotsConfig,
  'blankMaxLumaRange' | 'blankAfterCaptures' | 'frozenMaxDiff' | 'frozenAfterMs'
>;

export class BlankFrozenDetector {
  private previous: LumaGrid | null = null;
  private blankRun = 0;
  /** When the current run of unchanged captures began (null: the last one changed). */
  private sameSince: number | null = null;
  readonly active = new Set<string>();
  /**
   * Faults a previous run of the agent may have left raised on the server: the first capture
   * that shows otherwise clears them (a clear of nothing raised is harmless there).
   */
  private unsure = new Set([BLANK_SCREEN_FAULT, FROZEN_SCREEN_FAULT]);

  constructor(private readonly t: DetectorThresholds) {}

  /** Judges one capture; returns the events to report (raised or cleared faults). */
  observe(grid: LumaGrid, at: number): PlayerEvent[] {
    const events: PlayerEvent[] = [];
    const range = lumaRange(grid);
    const diff = this.previous ? gridDifference(this.previous, grid) : Number.POSITIVE_INFINITY;
    this.previous = grid;
    const blank = range <= this.t.blankMaxLumaRange;
    this.blankRun = blank ? this.blankRun + 1 : 0;
    if (diff <= this.t.frozenMaxDiff) this.sameSince ??= at;
    else this.sameSince = null;

    if (this.blankRun >= this.t.blankAfterCaptures && !this.active.has(BLANK_SCREEN_FAULT)) {
      this.active.add(BLANK_SCREEN_FAULT);
      this.unsure.delete(BLANK_SCREEN_FAULT);
      events.push({
        kind: 'fault',
        code: BLANK_SCREEN_FAULT,
        severity: 'critical',
        message: `The screen looks blank: luma spread ${range.toFixed(1)} (mean ${meanLuma(grid).toFixed(0)}) over ${this.blankRun} captures; blank means a spread of at most ${this.t.blankMaxLumaRange} for ${this.t.blankAfterCaptures} captures.`,
      });
    } else if (!blank) this.clear(BLANK_SCREEN_FAULT, events);

    const frozenFor = this.sameSince === null ? 0 : at - this.sameSince;
    if (!blank && frozenFor >= this.t.frozenAfterMs && !this.active.has(FROZEN_SCREEN_FAULT)) {
      this.active.add(FROZEN_SCREEN_FAULT);
      this.unsure.delete(FROZEN_SCREEN_FAULT);
      events.push({
        kind: 'fault',
        code: FROZEN_SCREEN_FAULT,
        severity: 'warning',
        message: `The picture has not changed for ${Math.round(frozenFor / 1000)} s (difference ${diff.toFixed(2)} ≤ ${this.t.frozenMaxDiff}); frozen means unchanged for ${Math.round(this.t.frozenAfterMs / 1000)} s.`,
      });
    } else if ((this.sameSince === null && Number.isFinite(diff)) || blank)
      this.clear(FROZEN_SCREEN_FAULT, events);
    return events;
  }

  /** The display is off (or the screen cannot be seen): forget, and clear what was raised. */
  reset(): PlayerEvent[] {
    const events: PlayerEvent[] = [];
    this.clear(BLANK_SCREEN_FAULT, events);
    this.clear(FROZEN_SCREEN_FAULT, events);
    this.previous = null;
    this.blankRun = 0;
    this.sameSince = null;
    return events;
  }

  private clear(code: string, events: PlayerEvent[]): void {
    const wasRaised = this.active.delete(code);
    if (this.unsure.delete(code) || wasRaised) events.push({ kind: 'faultCleared', code });
  }
}
