/**
 * Commands in the database, one row per (request, screen). The console's client-generated
 * request id makes a resend safe: the same request for the same screen is the same row.
 * Status only moves forward: queued → sent → accepted → succeeded | failed | rejected | expired.
 * `queued`: stored, not yet taken by the broker. `sent`: handed to the broker, not yet
 * answered by the agent (it is offered again until it is). `accepted`: the agent has it.
 */
import type { Knex } from 'knex';
import type { Command, CommandStatus, CommandType } from '../../../protocol';
import { sha256 } from '../auth/tokens';
import { reserveRevisions } from '../db/revisions';

interface CommandRow {
  id: string;
  request_id: string;
  screen_id: string;
  type: CommandType;
  params: string;
  status: CommandStatus;
  detail: string | null;
  created_by: string;
  created_by_name: string | null;
  created_at: number | string;
  expires_at: number | string;
  updated_at: number | string;
  rev: number | string;
}

const ORDER: Record<CommandStatus, number> = {
  queued: 0,
  sent: 1,
  accepted: 2,
  succeeded: 3,
  failed: 3,
  rejected: 3,
  expired: 3,
};
export const isFinal = (s: CommandStatus) => ORDER[s] === 3;

export function rowToCommand(r: CommandRow): Command {
  return {
    id: r.id,
    requestId: r.request_id,
    screenId: r.screen_id,
    type: r.type,
    params: JSON.parse(r.params) as Record<string, unknown>,
    status: r.status,
    detail: r.detail,
    createdBy: r.created_by,
    createdByName: r.created_by_name ?? null,
    createdAt: Number(r.created_at),
    expiresAt: Number(r.expires_at),
    updatedAt: Number(r.updated_at),
    rev: Number(r.rev),
  };
}

/** One request to one screen keeps the request id; to several, each gets a derived id. */
export const commandIdFor = (requestId: string, screenId: string, targets: number) =>
  targets === 1 ? requestId : `c${sha256(`${requestId}|${screenId}`).slice(0, 31)}`;

export async function createCommands(
  knex: Knex,
  input: {
    requestId: string;
    screenIds: string[];
    type: CommandType;
    params: Record<string, unknown>;
    ttlS: number;
    userId: string;
    userName: string;
  },
  now = Date.now(),
): Promise<{ command: Command; created: boolean }[]> {
  return knex.transaction(async (trx) => {
    const ids = input.screenIds.map((s) =>
      commandIdFor(input.requestId, s, input.screenIds.length),
    );
    const existing = new Map(
      (await trx<CommandRow>('commands').whereIn('id', ids)).map((r) => [r.id, rowToCommand(r)]),
    );
    const fresh = input.screenIds.filter((_, i) => !existing.has(ids[i]!));
    const first = fresh.length ? await reserveRevisions(trx, fresh.length) : 0;
    const out: { command: Command; created: boolean }[] = [];
    let n = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const prior = existing.get(id);
      if (prior) {
        out.push({ command: prior, created: false });
        continue;
      }
      const row: CommandRow = {
        id,
        request_id: input.requestId,
        screen_id: input.screenIds[i]!,
        type: input.type,
        params: JSON.stringify(input.params),
        status: 'queued',
        detail: null,
        created_by: input.userId,
        created_by_name: input.userName.slice(0, 200),
        created_at: now,
        expires_at: now + input.ttlS * 1000,
        updated_at: now,
        rev: first + n++,
      };
      await trx('commands').insert(row);
      out.push({ command: rowToCommand(row), created: true });
    }
    return out;
  });
}

/** Moves a command forward; returns null when the change would go backwards or nowhere. */
export async function advanceCommand(
  knex: Knex,
  id: string,
  status: CommandStatus,
  detail: string | null,
  expectScreenId?: string,
  now = Date.now(),
): Promise<Command | null> {
  return knex.transaction(async (trx) => {
    // Results, the "sent" mark and expiry can race for one command (on PostgreSQL each in its
    // own connection): lock the row so each sees the one before it and order holds.
    const row = await trx<CommandRow>('commands').where({ id }).forUpdate().first();
    if (!row || (expectScreenId && row.screen_id !== expectScreenId)) return null;
    if (isFinal(row.status) || ORDER[status] <= ORDER[row.status]) return null;
    const rev = await reserveRevisions(trx, 1);
    const patch = { status, detail: detail ?? row.detail, updated_at: now, rev };
    await trx('commands').where({ id }).update(patch);
    return rowToCommand({ ...row, ...patch });
  });
}

export async function commandsInWindow(knex: Knex, from: number, to: number): Promise<Command[]> {
  const rows = await knex<CommandRow>('commands')
    .where('rev', '>', from)
    .andWhere('rev', '<=', to)
    .orderBy('rev');
  return rows.map(rowToCommand);
}

export async function getCommand(knex: Knex, id: string): Promise<Command | undefined> {
  const row = await knex<CommandRow>('commands').where({ id }).first();
  return row ? rowToCommand(row) : undefined;
}

export async function commandsForScreen(
  knex: Knex,
  screenId: string,
  limit = 100,
): Promise<Command[]> {
  const rows = await knex<CommandRow>('commands')
    .where({ screen_id: screenId })
    .orderBy('created_at', 'desc')
    .limit(limit);
  return rows.map(rowToCommand);
}

/**
 * Commands to expire: not taken by the screen before their expiry, or taken (accepted) and
 * never finished — an agent that crashed mid-command does not run it again on redelivery, so
 * without this it would stay "accepted" for ever.
 */
export async function expiredCommandIds(
  knex: Knex,
  now: number,
  acceptedGraceMs = 60_000,
): Promise<string[]> {
  const rows = await knex('commands')
    .where((q) => q.whereIn('status', ['queued', 'sent']).andWhere('expires_at', '<=', now))
    .orWhere((q) =>
      q.where('status', 'accepted').andWhere('expires_at', '<=', now - acceptedGraceMs),
    )
    .select('id');
  return rows.map((r: { id: string }) => r.id);
}

/**
 * Commands the agent has not answered yet and that may still run: stored (`queued`) or handed
 * to the broker (`sent`). Until the agent says `accepted` (or a result) the server keeps
 * offering them; a broker may accept a command and lose it (a crash before it saved its
 * sessions), so its PUBACK is no proof of delivery.
 */
export async function pendingCommands(
  knex: Knex,
  now: number,
  screenId?: string,
  limit = 500,
): Promise<Command[]> {
  const q = knex<CommandRow>('commands')
    .whereIn('status', ['queued', 'sent'])
    .andWhere('expires_at', '>', now);
  if (screenId) q.andWhere({ screen_id: screenId });
  const rows = await q.orderBy('created_at').limit(limit);
  return rows.map(rowToCommand);
}
