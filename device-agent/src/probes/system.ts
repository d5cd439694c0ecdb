/**
 * Host metrics from what the machine actually has: os (cpu, memory, uptime), statfs (disk),
 * sysfs thermal zones (temperature, Linux only) and network interfaces. Anything the platform
 * does not offer is reported as null rather than invented.
 */
import { readFile, readdir, statfs } from 'node:fs/promises';
import os from 'node:os';
import type { TelemetryPayload } from '../../../protocol';

const THERMAL_DIR = '/sys/class/thermal';

export type SystemReading = Pick<
  TelemetryPayload,
  'cpu' | 'memory' | 'disk' | 'temperatureC' | 'uptimeS' | 'network'
>;

interface CpuTimes {
  idle: number;
  total: number;
}

function cpuTimes(): CpuTimes {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const clampPct = (n: number) => Math.min(100, Math.max(0, round1(n)));

async function readDisk(path: string): Promise<SystemReading['disk']> {
  try {
    const s = await statfs(path);
    const total = s.blocks * s.bsize;
    if (total <= 0) return null;
    // `bavail` (not `bfree`): what an unprivileged process can still write, as df reports it.
    const used = total - s.bfree * s.bsize;
    const usable = used + s.bavail * s.bsize;
    return { usedPct: clampPct((used / usable) * 100), totalGb: round1(total / 1024 ** 3) };
  } catch {
    return null;
  }
}

/** Hottest thermal zone, in °C; null where sysfs has none (VMs, Windows, macOS). */
export async function readThermalZones(dir: string = THERMAL_DIR): Promise<number | null> {
  let entries: string[];
  try {
    entries = (await readdir(dir)).filter((e) => e.startsWith('thermal_zone'));
  } catch {
    return null;
  }
  let hottest: number | null = null;
  for (const zone of entries) {
    try {
      const milli = Number((await readFile(`${dir}/${zone}/temp`, 'utf8')).trim());
      // Disabled or broken sensors report 0, negative or absurd values; skip them.
      if (!Number.isFinite(milli) || milli <= 0 || milli > 150_000) continue;
      const c = round1(milli / 1000);
      if (hottest === null || c > hottest) hottest = c;
    } catch {
      continue;
    }
  }
  return hottest;
}

async function readCounter(path: string): Promise<number | undefined> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) && n >= 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

async function readNetwork(preferred?: string): Promise<SystemReading['network']> {
  const ifaces = os.networkInterfaces();
  const candidates = preferred ? [preferred] : Object.keys(ifaces);
  for (const name of candidates) {
    const addr = ifaces[name]?.find((a) => !a.internal && a.family === 'IPv4');
    if (!addr && !preferred) continue;
    const base = `/sys/class/net/${name}/statistics`;
    const network: NonNullable<SystemReading['network']> = { iface: name.slice(0, 32) };
    if (addr) network.ip = addr.address;
    const [rx, tx] = await Promise.all([
      readCounter(`${base}/rx_bytes`),
      readCounter(`${base}/tx_bytes`),
    ]);
    if (rx !== undefined) network.rxBytes = rx;
    if (tx !== undefined) network.txBytes = tx;
    return network;
  }
  return null;
}

export interface SystemProbe {
  read(): Promise<SystemReading>;
}

export function createSystemProbe(opts: { diskPath: string; iface?: string }): SystemProbe {
  // CPU usage is a difference between two samples; the first read compares against start-up.
  let last = cpuTimes();
  return {
    async read() {
      const now = cpuTimes();
      const dTotal = now.total - last.total;
      const usagePct = dTotal > 0 ? clampPct((1 - (now.idle - last.idle) / dTotal) * 100) : 0;
      last = now;
      const total = os.totalmem();
      const [disk, temperatureC, network] = await Promise.all([
        readDisk(opts.diskPath),
        readThermalZones(),
        readNetwork(opts.iface),
      ]);
      return {
        cpu: { load1: Math.round((os.loadavg()[0] ?? 0) * 100) / 100, usagePct },
        memory: {
          usedPct: clampPct(((total - os.freemem()) / total) * 100),
          totalMb: Math.round(total / 1024 ** 2),
        },
        disk,
        temperatureC,
        uptimeS: Math.floor(os.uptime()),
        network,
      };
    },
  };
}
