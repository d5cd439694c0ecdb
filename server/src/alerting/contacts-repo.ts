/**
 * Each person's contact and schedule (migration 014 `alert_contacts`). A staff member with no
 * row has the defaults: their account's e-mail address, UTC, no quiet hours, always on duty.
 * Advertisers receive no alarms, so they have no contact here.
 */
import type { Knex } from 'knex';
import type { PersonContact, PersonContactInput } from '../../../protocol';
import type { Schedule } from './schedule';

interface ContactRow {
  user_id: string;
  email: string | null;
  time_zone: string;
  quiet_hours: string | null;
  working_hours: string | null;
}

interface StaffRow {
  id: string;
  name: string;
  email: string;
  role: string;
  disabled_at: number | string | null;
}

export type Recipient = PersonContact & Schedule & { disabled: boolean };

type Db = Knex | Knex.Transaction;

function merge(u: StaffRow, c: ContactRow | undefined): Recipient {
  return {
    userId: u.id,
    name: u.name,
    role: u.role,
    disabled: u.disabled_at !== null && u.disabled_at !== undefined,
    isDefault: !c,
    email: c ? c.email : u.email,
    timeZone: c?.time_zone ?? 'UTC',
    quietHours: c?.quiet_hours ? (JSON.parse(c.quiet_hours) as Recipient['quietHours']) : null,
    workingHours: c?.working_hours
      ? (JSON.parse(c.working_hours) as Recipient['workingHours'])
      : null,
  };
}

const STAFF = ['admin', 'operator'];

export async function staffContacts(db: Db, ids?: string[]): Promise<Recipient[]> {
  const q = db<StaffRow>('users')
    .whereIn('role', STAFF)
    .select('id', 'name', 'email', 'role', 'disabled_at');
  if (ids) q.whereIn('id', ids.length ? ids : ['']);
  const users: StaffRow[] = await q.orderBy('name');
  const rows: ContactRow[] = await db('alert_contacts').whereIn(
    'user_id',
    users.length ? users.map((u) => u.id) : [''],
  );
  const byId = new Map(rows.map((r) => [r.user_id, r]));
  return users.map((u) => merge(u, byId.get(u.id)));
}

export async function contactOf(db: Db, userId: string): Promise<Recipient | null> {
  return (await staffContacts(db, [userId]))[0] ?? null;
}

export async function saveContact(
  db: Db,
  userId: string,
  input: Omit<PersonContactInput, 'email'> & { email?: string | null },
  now: number,
): Promise<void> {
  const columns = {
    time_zone: input.timeZone,
    quiet_hours: input.quietHours ? JSON.stringify(input.quietHours) : null,
    working_hours: input.workingHours ? JSON.stringify(input.workingHours) : null,
    updated_at: now,
  };
  const existing = await db('alert_contacts').where({ user_id: userId }).first();
  // A person setting their own schedule keeps the e-mail address an admin chose (or the default).
  const email =
    input.email !== undefined
      ? input.email
      : existing
        ? (existing as ContactRow).email
        : ((await db('users').where({ id: userId }).first('email')) as { email: string }).email;
  await db('alert_contacts')
    .insert({ user_id: userId, email, ...columns })
    .onConflict('user_id')
    .merge();
}

export const publicContact = ({ disabled: _d, ...c }: Recipient): PersonContact => c;
