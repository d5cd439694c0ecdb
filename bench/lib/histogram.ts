/**
 * A latency histogram with 1 ms buckets up to 120 s (timestamps are Date.now() ms, so finer
 * buckets would only show clock granularity). Cheap to add to at 100k+ samples/s and to
 * send over IPC as sparse [ms, count] pairs.
 */
const MAX_MS = 120_000;

export interface LatencySummary {
  count: number;
  p50: number | null;
  p90: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
}

export class Histogram {
  private buckets = new Float64Array(MAX_MS + 1);
  count = 0;
  private sum = 0;
  private maxSeen = -1;

  add(ms: number): void {
    const v = ms < 0 ? 0 : ms > MAX_MS ? MAX_MS : Math.round(ms);
    this.buckets[v]! += 1;
    this.count += 1;
    this.sum += v;
    if (v > this.maxSeen) this.maxSeen = v;
  }

  reset(): void {
    this.buckets.fill(0);
    this.count = 0;
    this.sum = 0;
    this.maxSeen = -1;
  }

  /** Sparse form for IPC. */
  toPairs(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i <= this.maxSeen; i++) if (this.buckets[i]) out.push([i, this.buckets[i]!]);
    return out;
  }

  merge(pairs: [number, number][]): void {
    for (const [ms, n] of pairs) {
      this.buckets[ms]! += n;
      this.count += n;
      this.sum += ms * n;
      if (ms > this.maxSeen) this.maxSeen = ms;
    }
  }

  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const target = Math.ceil(q * this.count);
    let seen = 0;
    for (let i = 0; i <= this.maxSeen; i++) {
      seen += this.buckets[i]!;
      if (seen >= target) return i;
    }
    return this.maxSeen;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.count ? this.maxSeen : null,
      mean: this.count ? this.sum / this.count : null,
    };
  }
}

/** Percentiles of a plain list (frame times, small samples). */
export function percentiles(values: number[]): {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
} {
  if (values.length === 0)
    return { count: 0, p50: null, p95: null, p99: null, max: null, mean: null };
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return {
    count: s.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: s[s.length - 1]!,
    mean: s.reduce((a, b) => a + b, 0) / s.length,
  };
}
