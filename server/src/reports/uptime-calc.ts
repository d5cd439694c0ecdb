/**
 * The uptime arithmetic, free of the database: one pass over a screen's state transitions in
 * order, from the state it had at the range start. Time online is up; offline and lost are
 * down (one outage while it stays down, whichever of the two); any other recorded state (the
 * screen retired, or restored and not heard from yet) and the time before a screen's first
 * transition are not monitored and count for nothing. README.md has the rules and why.
 */
import type {
  UptimeBucket,
  UptimeFigures,
  UptimeGroup,
  UptimeReport,
  UptimeScreenRow,
} from '../../../protocol';

export interface Transition {
  state: string;
  ts: number;
}

export interface ScreenInfo {
  id: string;
  name: string;
  tags: string[];
}

type Phase = 'up' | 'down' | 'none';

export const phaseOf = (state: string | null): Phase =>
  state === 'online' ? 'up' : state === 'offline' || state === 'lost' ? 'down' : 'none';

/** Percent with 3 decimals (97.5, 99.931), null for nothing monitored. */
export const percent = (up: number, monitored: number): number | null =>
  monitored > 0 ? Math.round((up / monitored) * 100_000) / 1000 : null;

/** The fleet's time per bucket, summed as screens are computed. */
export class Buckets {
  readonly up: number[];
  readonly monitored: number[];
  readonly started: number[];
  readonly count: number;

  constructor(
    readonly from: number,
    readonly to: number,
    readonly size: number,
  ) {
    this.count = Math.max(1, Math.ceil((to - from) / size));
    this.up = new Array<number>(this.count).fill(0);
    this.monitored = new Array<number>(this.count).fill(0);
    this.started = new Array<number>(this.count).fill(0);
  }

  private index(t: number): number {
    return Math.min(this.count - 1, Math.floor((t - this.from) / this.size));
  }

  /** Spreads a monitored segment [start, end) over the buckets it crosses. */
  addSegment(start: number, end: number, up: boolean): void {
    for (let i = this.index(start); i < this.count && start < end; i++) {
      const bucketEnd = Math.min(this.to, this.from + (i + 1) * this.size);
      const part = Math.min(end, bucketEnd) - start;
      this.monitored[i]! += part;
      if (up) this.up[i]! += part;
      start = bucketEnd;
    }
  }

  outageStarted(at: number): void {
    this.started[this.index(at)]! += 1;
  }

  toJSON(): UptimeBucket[] {
    return this.up.map((up, i) => ({
      from: this.from + i * this.size,
      to: Math.min(this.to, this.from + (i + 1) * this.size),
      uptimePct: percent(up, this.monitored[i]!),
      outagesStarted: this.started[i]!,
    }));
  }
}

/**
 * One screen over [from, to). `initial`: its last transition before `from` (null: none, so not
 * yet activated at `from`); `transitions`: those in [from, to), in the order they happened.
 */
export function screenUptime(
  screen: ScreenInfo,
  from: number,
  to: number,
  initial: string | null,
  transitions: Iterable<Transition>,
  buckets: Buckets,
): UptimeScreenRow {
  let upMs = 0;
  let downMs = 0;
  let outages = 0;
  let longestOutageMs = 0;
  let longestOutageStart: number | null = null;
  let outageStart: number | null = null;

  let phase = phaseOf(initial);
  let cursor = from;
  const closeOutage = (end: number) => {
    if (outageStart === null) return;
    const length = end - outageStart;
    if (length > longestOutageMs || longestOutageStart === null) {
      longestOutageMs = length;
      longestOutageStart = outageStart;
    }
    outageStart = null;
  };
  const segment = (end: number) => {
    if (end <= cursor) return;
    if (phase === 'down') {
      if (outageStart === null) {
        outageStart = cursor;
        outages += 1;
        buckets.outageStarted(cursor);
      }
      downMs += end - cursor;
    } else {
      closeOutage(cursor);
      if (phase === 'up') upMs += end - cursor;
    }
    if (phase !== 'none') buckets.addSegment(cursor, end, phase === 'up');
    cursor = end;
  };

  for (const t of transitions) {
    // Stamps are monotonic per screen (fleet-state.ts), but a row at the same ms or a clock
    // step must never run time backwards here.
    segment(Math.min(to, Math.max(cursor, t.ts)));
    phase = phaseOf(t.state);
  }
  segment(to);
  const downAtEnd = outageStart !== null;
  closeOutage(to);

  return {
    screenId: screen.id,
    name: screen.name,
    tags: screen.tags,
    monitoredMs: upMs + downMs,
    upMs,
    downMs,
    uptimePct: percent(upMs, upMs + downMs),
    outages,
    longestOutageMs,
    longestOutageStart,
    downAtEnd,
  };
}

/** Sums screen figures into a group (the fleet, one tag). */
export function groupOf(rows: UptimeFigures[]): UptimeGroup {
  let monitoredMs = 0;
  let upMs = 0;
  let downMs = 0;
  let outages = 0;
  let longestOutageMs = 0;
  let monitoredScreens = 0;
  for (const r of rows) {
    monitoredMs += r.monitoredMs;
    upMs += r.upMs;
    downMs += r.downMs;
    outages += r.outages;
    longestOutageMs = Math.max(longestOutageMs, r.longestOutageMs);
    if (r.monitoredMs > 0) monitoredScreens += 1;
  }
  return {
    screens: rows.length,
    monitoredScreens,
    monitoredMs,
    upMs,
    downMs,
    uptimePct: percent(upMs, monitoredMs),
    outages,
    longestOutageMs,
  };
}

/** Worst uptime first (then most downtime, then name); nothing monitored last. */
export function byWorstUptime(a: UptimeScreenRow, b: UptimeScreenRow): number {
  if (a.uptimePct === null || b.uptimePct === null)
    return a.uptimePct === b.uptimePct
      ? a.name.localeCompare(b.name)
      : a.uptimePct === null
        ? 1
        : -1;
  return a.uptimePct - b.uptimePct || b.downMs - a.downMs || a.name.localeCompare(b.name);
}

export function assembleReport(
  rows: UptimeScreenRow[],
  buckets: Buckets,
  meta: Pick<UptimeReport, 'from' | 'to' | 'generatedAt' | 'filter'>,
): UptimeReport {
  const byTag = new Map<string, UptimeScreenRow[]>();
  for (const r of rows)
    for (const tag of new Set(r.tags)) {
      const list = byTag.get(tag);
      if (list) list.push(r);
      else byTag.set(tag, [r]);
    }
  return {
    ...meta,
    fleet: groupOf(rows),
    tags: [...byTag]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, list]) => ({ tag, ...groupOf(list) })),
    screens: [...rows].sort(byWorstUptime),
    bucketMs: buckets.size,
    buckets: buckets.toJSON(),
  };
}
