/** Builds command payloads the way the server would. */
import { CommandResultPayload, topics } from '../../../protocol';
import type { Seen } from './observer';

export function command(
  type: string,
  params: Record<string, unknown> = {},
  ttlMs = 60_000,
): string {
  const ts = Date.now();
  return JSON.stringify({ ts, expiresAt: ts + ttlMs, type, params });
}

export const isResult =
  (screenId: string, commandId: string, status?: string) =>
  (m: Seen): boolean => {
    if (m.topic !== topics.commandResult(screenId, commandId)) return false;
    const p = CommandResultPayload.safeParse(m.json);
    return p.success && (status === undefined || p.data.status === status);
  };

export function resultsOf(seen: Seen[], screenId: string, commandId: string) {
  return seen.filter(isResult(screenId, commandId)).map((m) => CommandResultPayload.parse(m.json));
}
