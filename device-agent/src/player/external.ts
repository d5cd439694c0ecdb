/**
 * The player of a real screen whose software the agent does not drive itself: everything comes
 * from configured probes and everything is done by configured command handlers.
 */
import type { Player } from './player';

export function createExternalPlayer(): Player {
  return {
    commands: [],
    start: () => {},
    read: () => Promise.resolve({}),
    execute: (command) => Promise.reject(new Error(`no handler configured for ${command.type}`)),
    stop: () => {},
  };
}
