/** The commands this agent can carry out: configured handlers plus what the player does itself. */
import { commandTypes, type CommandType } from '../../../protocol';
import type { AgentConfig } from '../config';
import type { Player } from '../player/player';

export function capabilitiesOf(
  config: AgentConfig,
  player: Player,
  /** A configured capture command makes `screenshot` possible whatever the player does. */
  canCapture = config.screenshots.capture !== undefined,
): CommandType[] {
  return commandTypes.filter(
    (t) =>
      config.commands[t] !== undefined ||
      player.commands.includes(t) ||
      (t === 'screenshot' && canCapture),
  );
}
