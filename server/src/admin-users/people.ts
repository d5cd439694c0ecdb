/**
 * The People view's rows: every account with its role, whether it is disabled, whether a
 * console of theirs is connected now, how many sessions are open and when they were last seen.
 *
 * "Last seen" is written when a console connects and when it disconnects (admin-users-feature.ts);
 * while one is connected it is "now". Presence is this node's (chat/presence.ts).
 */
import type { Knex } from 'knex';
import type { Person, PresenceStatus, Role } from '../../../protocol';

export interface PresenceSource {
  status(userId: string): PresenceStatus;
}

interface PersonRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled_at: number | string | null;
  created_at: number | string;
  last_seen_at: number | string | null;
}

async function rows(db: Knex | Knex.Transaction, id?: string) {
  const now = Date.now();
  const open = db('sessions')
    .select('user_id')
    .count<{ user_id: string; n: number | string }[]>({ n: '*' })
    .whereNull('revoked_at')
    .andWhere('expires_at', '>', now)
    .groupBy('user_id')
    .as('s');
  const q = db<PersonRow>('users as u')
    .leftJoin(open, 's.user_id', 'u.id')
    .select(
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.disabled_at',
      'u.created_at',
      'u.last_seen_at',
      's.n',
    )
    .orderBy('u.name');
  if (id) q.where('u.id', id);
  return (await q) as (PersonRow & { n: number | string | null })[];
}

function toPerson(r: PersonRow & { n: number | string | null }, presence: PresenceSource): Person {
  const online = presence.status(r.id) !== 'offline';
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    disabled: r.disabled_at !== null && r.disabled_at !== undefined,
    createdAt: Number(r.created_at),
    online,
    openSessions: Number(r.n ?? 0),
    lastSeenAt: online ? Date.now() : r.last_seen_at === null ? null : Number(r.last_seen_at),
  };
}

export async function listPeople(db: Knex, presence: PresenceSource): Promise<Person[]> {
  return (await rows(db)).map((r) => toPerson(r, presence));
}

export async function personById(
  db: Knex | Knex.Transaction,
  presence: PresenceSource,
  id: string,
): Promise<Person | null> {
  const [r] = await rows(db, id);
  return r ? toPerson(r, presence) : null;
}

/** Active (not disabled) admins, for the "last admin" guard. */
export async function activeAdminCount(db: Knex | Knex.Transaction): Promise<number> {
  const [r] = await db('users')
    .where({ role: 'admin' })
    .whereNull('disabled_at')
    .count<{ n: number | string }[]>({ n: '*' });
  return Number(r?.n ?? 0);
}
