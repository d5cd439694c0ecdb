/** Builds the player the config asks for. */
import type { PlayerConfig } from '../config';
import { createExternalPlayer } from './external';
import type { Player } from './player';
import { createSimulatedPlayer } from './simulated';

export function createPlayer(config: PlayerConfig): Player {
  return config.type === 'simulated' ? createSimulatedPlayer(config) : createExternalPlayer();
}
