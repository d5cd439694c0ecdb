/** Starts an agent inside the test process, with its log lines captured instead of printed. */
import { startAgent, type Agent } from '../../src/agent';
import { parseConfig, type AgentConfigInput, type SimulatedPlayerConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import type { Player } from '../../src/player/player';
import { createSimulatedPlayer } from '../../src/player/simulated';

export interface TestAgent {
  agent: Agent;
  lines: string[];
  executed: string[];
}

/** A simulated player that records every command it carries out. */
export function countingPlayer(config: SimulatedPlayerConfig, executed: string[]): Player {
  const inner = createSimulatedPlayer(config);
  return {
    commands: inner.commands,
    start: (l) => inner.start(l),
    read: () => inner.read(),
    stop: () => inner.stop(),
    execute: (command, signal) => {
      executed.push(command.type);
      return inner.execute(command, signal);
    },
  };
}

export async function startTestAgent(
  input: AgentConfigInput,
  opts: { executed?: string[] } = {},
): Promise<TestAgent> {
  const lines: string[] = [];
  const executed = opts.executed ?? [];
  const config = parseConfig(input);
  if (config.player.type !== 'simulated') throw new Error('test agents use the simulated player');
  const agent = await startAgent(config, {
    log: createLogger('debug', {}, (line) => lines.push(line)),
    player: countingPlayer(config.player, executed),
  });
  return { agent, lines, executed };
}
