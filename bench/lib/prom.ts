/** Reads the server's /metrics (Prometheus text) into a flat map `name{labels}` → value. */
export type PromSnapshot = Map<string, number>;

export async function scrape(baseUrl: string): Promise<PromSnapshot> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`/metrics: HTTP ${res.status}`);
  return parseProm(await res.text());
}

export function parseProm(text: string): PromSnapshot {
  const out: PromSnapshot = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    const v = Number(line.slice(i + 1));
    if (Number.isFinite(v)) out.set(line.slice(0, i), v);
  }
  return out;
}

/** Sum of every series of a metric (all label values). */
export function total(s: PromSnapshot, name: string): number {
  let t = 0;
  for (const [k, v] of s) if (k === name || k.startsWith(`${name}{`)) t += v;
  return t;
}

export function value(s: PromSnapshot, key: string): number {
  return s.get(key) ?? 0;
}

/** Per-label deltas of a labelled counter between two snapshots. */
export function labelDeltas(
  a: PromSnapshot,
  b: PromSnapshot,
  name: string,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of b) {
    if (!k.startsWith(`${name}{`)) continue;
    const label = /="([^"]*)"/.exec(k)?.[1] ?? k;
    const d = v - (a.get(k) ?? 0);
    if (d) out[label] = d;
  }
  return out;
}
