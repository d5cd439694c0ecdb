/**
 * The ports `npm start` uses, kept from one start to the next. When a wanted port is taken (a
 * Mosquitto on 1883, say), a free one is chosen once and remembered in `<dataDir>/ports.json`,
 * so agents and bookmarks configured against it keep working after a restart. A port set in
 * the environment always wins and is not remembered.
 */
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from './free-port';

export type PortName = 'http' | 'mqtt' | 'console';

export interface PortChoice {
  port: number;
  /** A sentence for the operator when the port is not the one asked for; null otherwise. */
  note: string | null;
}

const DEFAULTS: Record<PortName, number> = { http: 4000, mqtt: 1883, console: 5180 };
const LABELS: Record<PortName, string> = {
  http: 'the server',
  mqtt: 'the embedded broker',
  console: 'the console',
};

function portsFile(dataDir: string): string {
  return path.join(dataDir, 'ports.json');
}

function readRemembered(dataDir: string): Partial<Record<PortName, number>> {
  try {
    const raw = JSON.parse(fs.readFileSync(portsFile(dataDir), 'utf8')) as Record<string, unknown>;
    const out: Partial<Record<PortName, number>> = {};
    for (const name of Object.keys(DEFAULTS) as PortName[]) {
      const v = raw[name];
      if (typeof v === 'number' && Number.isInteger(v) && v > 0 && v < 65536) out[name] = v;
    }
    return out;
  } catch {
    return {}; // no file yet, or one a person broke: start from the defaults
  }
}

export async function choosePort(
  dataDir: string,
  name: PortName,
  fromEnv: string | undefined,
): Promise<PortChoice> {
  const explicit = fromEnv ? Number(fromEnv) : null;
  const remembered = readRemembered(dataDir);
  const wanted = explicit ?? remembered[name] ?? DEFAULTS[name];
  const port = await freePort(wanted);
  if (explicit === null && port !== remembered[name]) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(portsFile(dataDir), JSON.stringify({ ...remembered, [name]: port }, null, 2));
  }
  let note: string | null = null;
  if (port !== wanted) {
    note = `port ${wanted} is taken; ${LABELS[name]} uses ${port}${explicit === null ? ` (kept for the next start in ${portsFile(dataDir)})` : ''}`;
  } else if (explicit === null && wanted !== DEFAULTS[name]) {
    note = `${LABELS[name]} uses port ${port}, chosen at an earlier start (${portsFile(dataDir)}; delete it to go back to ${DEFAULTS[name]})`;
  }
  return { port, note };
}
