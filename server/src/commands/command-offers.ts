/**
 * Offering commands to agents until an agent answers. A command counts as delivered when its
 * agent says so (`accepted` or a result on `cmd/{id}/result`), not when the broker PUBACKs it:
 * a broker that crashes before saving its sessions has acknowledged commands it then forgets,
 * and one restarted without the agents' sessions drops what it is given before they resubscribe.
 * So a `queued` or `sent` command that has not expired is published again:
 * - at once when the server's link to the broker (re)connects (the broker may have lost
 *   anything, and commands created while the link was down are waiting);
 * - at once when its screen reports `online` (its agent has just (re)connected and subscribed);
 * - otherwise with backoff (5 s, doubling, at most 60 s apart) while its screen is online.
 * A `sent` command to a screen that is not online is left to the broker's persistent session
 * and to the screen's return, so an offline screen does not pile up copies in the broker.
 * Repeats are harmless: the agent's command ledger runs a command id once and answers a repeat
 * with its recorded result (device-agent/src/commands/command-ledger.ts).
 *
 * The offer schedule lives in this node's memory: a restarted node offers every pending command
 * once, which is what a restart should do; several nodes may each offer one, which the ledger
 * makes harmless.
 */
import { topics, type Command, type CommandPayload } from '../../../protocol';
import type { MqttLink } from '../broker/mqtt-link';
import type { Logger } from '../log';
import type { Knex } from 'knex';
import { advanceCommand, pendingCommands } from './commands-repo';

export const FIRST_REOFFER_MS = 5_000;
export const MAX_REOFFER_MS = 60_000;

export interface CommandOffers {
  /** Publishes a command now unless it is already waiting for the broker's PUBACK. */
  offer(c: Command): void;
  /** Offers the pending commands whose time has come (the sweep calls this). */
  offerDue(now?: number): Promise<void>;
  /** The link came back: the broker may have lost anything; offer every pending command. */
  offerAllAgain(): Promise<void>;
  /** The screen's agent (re)connected: offer its pending commands now. */
  offerToScreen(screenId: string): Promise<void>;
  /** The agent answered: stop offering. */
  forget(commandId: string): void;
}

export function createCommandOffers(deps: {
  knex: Knex;
  log: Logger;
  link: () => MqttLink | null;
  isOnline(screenId: string): boolean;
  /** A queued command was taken by the broker and is now `sent`. */
  onSent(c: Command): void;
}): CommandOffers {
  const offered = new Map<string, { count: number; at: number }>();
  const awaitingPuback = new Set<string>();

  const offer = (c: Command) => {
    const l = deps.link();
    if (!l?.connected() || awaitingPuback.has(c.id)) return;
    const prior = offered.get(c.id);
    offered.set(c.id, { count: (prior?.count ?? 0) + 1, at: Date.now() });
    awaitingPuback.add(c.id);
    const payload = {
      ts: Date.now(),
      expiresAt: c.expiresAt,
      type: c.type,
      params: c.params,
    } as CommandPayload;
    l.publish(topics.command(c.screenId, c.id), payload, { qos: 1 })
      .then(async () => {
        if (c.status !== 'queued') return;
        const sent = await advanceCommand(deps.knex, c.id, 'sent', null);
        if (sent) deps.onSent(sent);
      })
      .catch((err: unknown) =>
        deps.log.warn({ err, command: c.id }, 'command publish failed; will offer again'),
      )
      .finally(() => awaitingPuback.delete(c.id));
  };

  const due = (c: Command, now: number) => {
    const prior = offered.get(c.id);
    if (!prior) return true;
    if (c.status === 'sent' && !deps.isOnline(c.screenId)) return false;
    return now - prior.at >= Math.min(MAX_REOFFER_MS, FIRST_REOFFER_MS * 2 ** (prior.count - 1));
  };

  const offerDue = async (now = Date.now()) => {
    if (!deps.link()?.connected()) return;
    const pending = await pendingCommands(deps.knex, now);
    if (pending.length < 500) {
      // Answered, expired or finished elsewhere: nothing more to schedule for them.
      const live = new Set(pending.map((c) => c.id));
      for (const id of offered.keys()) if (!live.has(id)) offered.delete(id);
    }
    for (const c of pending) if (due(c, now)) offer(c);
  };

  return {
    offer,
    offerDue,
    offerAllAgain: async () => {
      offered.clear();
      await offerDue();
    },
    offerToScreen: async (screenId) => {
      if (!deps.link()?.connected()) return;
      const since = Date.now();
      for (const c of await pendingCommands(deps.knex, since, screenId)) {
        // Offered after the screen came back (a command just created): it has that copy.
        if ((offered.get(c.id)?.at ?? 0) >= since) continue;
        offered.delete(c.id);
        offer(c);
      }
    },
    forget: (commandId) => {
      offered.delete(commandId);
    },
  };
}
