/**
 * Real device agents (in this process, simulated player) for the desired-state tests, with
 * their display readable, their log captured and their clock optionally the test's.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DisplayPower } from '../../../protocol';
import { startAgent, type Agent } from '../../../device-agent/src/agent';
import { parseConfig, type SimulatedPlayerConfig } from '../../../device-agent/src/config';
import { createLogger } from '../../../device-agent/src/log';
import { createSimulatedPlayer } from '../../../device-agent/src/player/simulated';

export interface DesiredTestAgent {
  agent: Agent;
  dataDir: string;
  lines: string[];
  display(): Promise<{ power: DisplayPower; brightness: number }>;
}

export async function startDesiredAgent(opts: {
  screenId: string;
  password: string;
  brokerUrl: string;
  dataDir?: string;
  displayFails?: boolean;
  now?: () => number;
  waitForConnect?: boolean;
}): Promise<DesiredTestAgent> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-desired-'));
  const config = parseConfig({
    screenId: opts.screenId,
    broker: {
      url: opts.brokerUrl,
      username: opts.screenId,
      password: opts.password,
      reconnectMinMs: 100,
      reconnectMaxMs: 400,
      connectTimeoutMs: 1000,
    },
    dataDir,
    telemetryIntervalMs: 300,
    desiredCheckMs: 50,
    player: {
      type: 'simulated',
      faultsPerHour: 0,
      rebootsPerDay: 0,
      slotMs: 60_000,
      displayFails: opts.displayFails ?? false,
    },
    queue: { fsync: false },
  });
  const player = createSimulatedPlayer(config.player as SimulatedPlayerConfig);
  const lines: string[] = [];
  const agent = await startAgent(config, {
    player,
    log: createLogger('debug', {}, (line) => lines.push(line)),
    now: opts.now,
  });
  if (opts.waitForConnect !== false) await agent.firstConnect;
  return {
    agent,
    dataDir,
    lines,
    display: async () => (await player.read()).display!,
  };
}
