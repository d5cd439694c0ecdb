/**
 * A simulated fleet in one process: provisions N screens against a running server with admin
 * credentials, then runs one agent per screen with the device credentials the server issued.
 */
import { login, provisionScreen } from './fleet/provision';
import { runSimulatedAgents, type SimulatedScreen } from './fleet/run-agents';
import { screenSpec } from './fleet/screen-catalog';
import { createLogger, type Logger, type LogLevel } from './log';

export interface FleetOptions {
  serverUrl: string;
  email: string;
  password: string;
  count: number;
  brokerUrl: string;
  dataDir: string;
  idPrefix?: string;
  telemetryIntervalMs?: number;
  willDelayS?: number;
  /** Fleet-level progress lines. */
  log?: Logger;
  /** Per-agent lines; 'warn' by default, since a thousand `connected` lines help nobody. */
  agentLogLevel?: LogLevel;
}

export interface Fleet {
  screenIds: string[];
  stop(): Promise<void>;
}

/** Parallel provisioning requests; enough to be quick, few enough not to flood the server. */
const PROVISION_CONCURRENCY = 8;

export async function startFleet(opts: FleetOptions): Promise<Fleet> {
  const serverUrl = opts.serverUrl.replace(/\/+$/, '');
  const token = await login(serverUrl, opts.email, opts.password);
  const specs = Array.from({ length: opts.count }, (_, i) => screenSpec(opts.idPrefix ?? 'sim', i));
  const screens: SimulatedScreen[] = new Array(specs.length);
  let next = 0;
  const worker = async () => {
    while (next < specs.length) {
      const i = next++;
      const spec = specs[i]!;
      const credentials = await provisionScreen(serverUrl, token, spec);
      screens[i] = { id: spec.id, ...credentials };
    }
  };
  await Promise.all(Array.from({ length: PROVISION_CONCURRENCY }, worker));
  opts.log?.info('fleet provisioned', { screens: screens.length, server: serverUrl });

  const agents = await runSimulatedAgents({
    screens,
    brokerUrl: opts.brokerUrl,
    dataDir: opts.dataDir,
    telemetryIntervalMs: opts.telemetryIntervalMs,
    willDelayS: opts.willDelayS,
    log: createLogger(opts.agentLogLevel ?? 'warn', { component: 'agent' }),
  });
  return {
    screenIds: screens.map((s) => s.id),
    async stop() {
      await Promise.all(agents.map((a) => a.stop()));
    },
  };
}
