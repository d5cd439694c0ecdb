/**
 * How the agent sets the display for desired state: the same way as the one-shot commands, so
 * a screen is configured once. A configured `commands.setBrightness` / `commands.setPower`
 * handler (e.g. `ddcutil setvcp 10 {brightness}`, `xset dpms force {power}`: argv with
 * placeholders, never a shell string) wins; else the player does it; else it cannot be done.
 */
import type { CommandPayload } from '../../../protocol';
import { runConfiguredHandler } from '../commands/configured-handler';
import type { AgentConfig } from '../config';
import type { Player } from '../player/player';
import type { DisplayChange } from './desired-keeper';

export function displaySetter(
  config: AgentConfig,
  player: Player,
  now: () => number = Date.now,
): (change: DisplayChange) => Promise<string> {
  return async (change) => {
    const t = now();
    const command: CommandPayload =
      'brightness' in change
        ? {
            ts: t,
            expiresAt: t + config.commandTimeoutMs,
            type: 'setBrightness',
            params: { brightness: change.brightness },
          }
        : { ts: t, expiresAt: t + config.commandTimeoutMs, type: 'setPower', params: change };
    const handler = config.commands[command.type];
    if (!handler && !player.commands.includes(command.type))
      throw new Error(`no ${command.type} handler is configured (commands.${command.type})`);
    const timeoutMs = handler?.timeoutMs ?? config.commandTimeoutMs;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const work = handler
        ? runConfiguredHandler(handler, 'desired-state', command, abort.signal)
        : player.execute(command, abort.signal);
      return await work;
    } catch (err) {
      if (abort.signal.aborted) throw new Error(`timed out after ${timeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  };
}
