/**
 * Real device agents (the agent's own code: session, ledger, runner, event queue) run inside
 * the test process, each with a simulated player that records every command it carries out,
 * for server tests that count what agents really ran. Faults and reboots of the simulation are
 * off so only what a test sends happens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CommandPayload } from '../../protocol';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import type { Player } from '../../device-agent/src/player/player';
import { createSimulatedPlayer } from '../../device-agent/src/player/simulated';

export interface RecordingAgent {
  agent: Agent;
  screenId: string;
  /** Every command the player carried out, in order. */
  executed: CommandPayload[];
  lines: string[];
  dataDir: string;
}

export async function startRecordingAgent(opts: {
  screenId: string;
  brokerUrl: string;
  password: string;
  dataDir?: string;
  /** The agent's first reconnect delay (its default is 1 s, jittered). */
  reconnectMinMs?: number;
  /** How long each command takes to carry out (the simulation's own is instant). */
  executeDelayMs?: number;
}): Promise<RecordingAgent> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-agent-'));
  const config = parseConfig({
    screenId: opts.screenId,
    broker: {
      url: opts.brokerUrl,
      username: opts.screenId,
      password: opts.password,
      ...(opts.reconnectMinMs ? { reconnectMinMs: opts.reconnectMinMs } : {}),
    },
    dataDir,
    player: { type: 'simulated', faultsPerHour: 0, rebootsPerDay: 0 },
  });
  if (config.player.type !== 'simulated') throw new Error('unreachable');
  const inner = createSimulatedPlayer(config.player);
  const executed: CommandPayload[] = [];
  const player: Player = {
    commands: inner.commands,
    start: (l) => inner.start(l),
    read: () => inner.read(),
    stop: () => inner.stop(),
    execute: async (command, signal) => {
      executed.push(command);
      if (opts.executeDelayMs) await new Promise((r) => setTimeout(r, opts.executeDelayMs));
      return inner.execute(command, signal);
    },
  };
  const lines: string[] = [];
  const agent = await startAgent(config, {
    log: createLogger('info', { screenId: opts.screenId }, (line) => lines.push(line)),
    player,
  });
  await agent.firstConnect;
  return { agent, screenId: opts.screenId, executed, lines, dataDir };
}
