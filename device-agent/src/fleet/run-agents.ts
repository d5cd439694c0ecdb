/**
 * Runs many simulated agents in this process with the same agent code a real screen runs.
 * Agents start in small batches so a big fleet does not hit the broker with one connect storm.
 */
import { join } from 'node:path';
import { startAgent, type Agent } from '../agent';
import { parseConfig } from '../config';
import { createLogger, type Logger } from '../log';

export interface SimulatedScreen {
  id: string;
  username?: string;
  password?: string;
}

export interface RunAgentsOptions {
  screens: readonly SimulatedScreen[];
  brokerUrl: string;
  dataDir: string;
  telemetryIntervalMs?: number;
  willDelayS?: number;
  /** Broker-side session lifetime; short for throwaway fleets on a shared broker. */
  sessionExpiryS?: number;
  log?: Logger;
}

const BATCH = 50;
const BATCH_PAUSE_MS = 50;

export async function runSimulatedAgents(opts: RunAgentsOptions): Promise<Agent[]> {
  // One agent's info lines times a thousand would drown the useful ones.
  const log = opts.log ?? createLogger('warn');
  const agents: Agent[] = [];
  for (let i = 0; i < opts.screens.length; i += BATCH) {
    for (const screen of opts.screens.slice(i, i + BATCH)) {
      const config = parseConfig({
        screenId: screen.id,
        broker: {
          url: opts.brokerUrl,
          username: screen.username,
          password: screen.password,
          sessionExpiryS: opts.sessionExpiryS,
        },
        dataDir: join(opts.dataDir, screen.id),
        telemetryIntervalMs: opts.telemetryIntervalMs ?? 10_000,
        willDelayS: opts.willDelayS,
        player: { type: 'simulated', simulateSystem: true },
        // Simulated events are not worth a disk flush each; a real screen keeps fsync on.
        queue: { fsync: false },
      });
      agents.push(await startAgent(config, { log: log.child({ screenId: screen.id }) }));
    }
    if (i + BATCH < opts.screens.length) await new Promise((r) => setTimeout(r, BATCH_PAUSE_MS));
  }
  return agents;
}
