/** The retained `state` payloads: `online` on connect, `offline` on clean stop, `lost` as Will. */
import { StatePayload, type CommandType, type ScreenState } from '../../../protocol';
import type { Stamper } from '../stamp';
import { AGENT_VERSION } from '../version';

export function statePayload(
  state: ScreenState,
  stamper: Stamper,
  capabilities: readonly CommandType[],
): string {
  // Parsed, not just typed: a payload the server would reject must fail here, loudly.
  return JSON.stringify(
    StatePayload.parse({
      ...stamper.next(),
      state,
      agentVersion: AGENT_VERSION,
      capabilities: [...capabilities],
    }),
  );
}
