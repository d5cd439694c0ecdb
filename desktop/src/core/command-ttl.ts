/**
 * A command's time-to-live counts from the operator's click, not from when the server hears of
 * it: the server starts a command's TTL on receipt, so a reboot queued offline yesterday would
 * otherwise run when the console reconnects today. A queued command whose age is past its TTL
 * is never sent; one that waited is sent with what is left of it.
 *
 * Age is measured on this console's clock at both ends (the click and the send), so a server
 * clock that differs does not matter; a console clock changed while a command waits does.
 */
import { DEFAULT_COMMAND_TTL_S, MIN_COMMAND_TTL_S } from '../shared/console-api';
import type { OutboxEntry } from './cache/console-cache';

type QueuedCommand = Extract<OutboxEntry, { kind: 'sendCommand' }>;

/** Entries queued before TTLs were kept had the server's default. */
export const ttlOf = (entry: QueuedCommand): number => entry.payload.ttlS ?? DEFAULT_COMMAND_TTL_S;

/** When the command stops being worth sending (ms epoch). */
export const expiresAtOf = (entry: QueuedCommand): number => entry.createdAt + ttlOf(entry) * 1000;

/**
 * The TTL to send now, in whole seconds, or null when the command expired while it waited.
 * Rounded up, and never under the server's minimum (5 s): a command with 2 s left is sent
 * with 5 — at most 5 s too long — rather than refused by the server for a too-short TTL.
 */
export function remainingTtlS(entry: QueuedCommand, now = Date.now()): number | null {
  const leftMs = expiresAtOf(entry) - now;
  if (leftMs <= 0) return null;
  return Math.max(MIN_COMMAND_TTL_S, Math.ceil(leftMs / 1000));
}
