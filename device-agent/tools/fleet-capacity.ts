/**
 * How many simulated agents one process holds: starts N agents (same code as `npm run fleet`,
 * without provisioning) against an anonymous broker, waits until all are connected, then
 * samples the process's RSS and CPU, and stops them cleanly (clearing their retained state).
 *   npx tsx device-agent/tools/fleet-capacity.ts N [brokerUrl] [sampleSeconds]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { topics } from '../../protocol';
import { runSimulatedAgents } from '../src/fleet/run-agents';

const count = Number(process.argv[2] ?? 500);
const brokerUrl = process.argv[3] ?? 'mqtt://127.0.0.1:1883';
const sampleS = Number(process.argv[4] ?? 60);
const prefix = `cap-${randomBytes(3).toString('hex')}`;
const dataDir = mkdtempSync(join(tmpdir(), 'marquee-capacity-'));

const rssMb = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const baseline = rssMb();
const t0 = Date.now();
const agents = await runSimulatedAgents({
  screens: Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i).padStart(5, '0')}`,
  })),
  brokerUrl,
  dataDir,
  sessionExpiryS: 60,
});
await Promise.all(agents.map((a) => a.firstConnect));
console.log(
  `${count} agents connected in ${Date.now() - t0} ms; rss ${rssMb()} MB (baseline ${baseline} MB)`,
);

const cpu0 = process.cpuUsage();
const w0 = Date.now();
let maxRss = 0;
let lagMax = 0;
let lagAt = Date.now();
const lagTimer = setInterval(() => {
  // Event-loop lag: how late a 100 ms timer fires. Large lag means the process is saturated.
  const now = Date.now();
  lagMax = Math.max(lagMax, now - lagAt - 100);
  lagAt = now;
  maxRss = Math.max(maxRss, rssMb());
}, 100);
await new Promise((r) => setTimeout(r, sampleS * 1000));
clearInterval(lagTimer);
const cpu = process.cpuUsage(cpu0);
const cpuPct = ((cpu.user + cpu.system) / 1000 / (Date.now() - w0)) * 100;
console.log(
  `over ${sampleS}s: rss now ${rssMb()} MB, max ${maxRss} MB, ` +
    `${((rssMb() - baseline) / count).toFixed(3)} MB/agent above baseline, ` +
    `cpu ${cpuPct.toFixed(1)}% of one core, max event-loop lag ${lagMax} ms`,
);

await Promise.all(agents.map((a) => a.stop()));
const cleaner = await mqtt.connectAsync(brokerUrl, { reconnectPeriod: 0 });
for (const a of agents)
  await cleaner.publishAsync(topics.state(a.screenId), '', { qos: 1, retain: true });
await cleaner.endAsync();
rmSync(dataDir, { recursive: true, force: true });
console.log('stopped; retained state cleared');
