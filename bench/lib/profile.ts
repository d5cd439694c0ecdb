/** Top functions by self time from a V8 .cpuprofile (`node --cpu-prof`). */
import fs from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

export function summarizeProfile(
  file: string,
  top = 20,
): { fn: string; where: string; selfPct: number; selfMs: number }[] {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < prof.samples.length; i++) {
    const id = prof.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i] ?? 0));
  }
  // Aggregate by function + location (the same function appears under many call paths).
  const agg = new Map<string, { fn: string; where: string; us: number }>();
  let totalUs = 0;
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const fn = n.callFrame.functionName || '(anonymous)';
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const where = url
      ? `${url.includes('node_modules') ? url.slice(url.lastIndexOf('node_modules/') + 13) : path.relative(process.cwd(), url)}:${n.callFrame.lineNumber + 1}`
      : '(native)';
    const key = `${fn}@${where}`;
    const e = agg.get(key) ?? { fn, where, us: 0 };
    e.us += us;
    agg.set(key, e);
    totalUs += us;
  }
  return [...agg.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((e) => ({
      fn: e.fn,
      where: e.where,
      selfMs: Math.round(e.us / 1000),
      selfPct: Math.round((1000 * e.us) / totalUs) / 10,
    }));
}

// `npx tsx bench/lib/profile.ts FILE [N]` prints the table.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const [file, n] = process.argv.slice(2);
  if (file) {
    for (const r of summarizeProfile(file, Number(n ?? 25)))
      console.log(
        `${String(r.selfPct).padStart(5)}%  ${String(r.selfMs).padStart(7)} ms  ${r.fn}  ${r.where}`,
      );
  }
}
