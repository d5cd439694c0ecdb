/** Users: creation, look-up and the first admin. */
import type { Knex } from 'knex';
import type { Role, User } from '../../../protocol';
import { hashPassword } from './passwords';
import { newId } from './tokens';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  /** Set when an admin disabled the account: no sign-in, no session. */
  disabled_at?: number | string | null;
}

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  name: row.name,
  role: row.role,
});

export async function createUser(
  knex: Knex,
  input: { email: string; name: string; role: Role; password: string },
): Promise<User> {
  const row: UserRow = {
    id: newId(),
    email: input.email.trim().toLowerCase(),
    name: input.name,
    role: input.role,
    password_hash: await hashPassword(input.password),
  };
  await knex('users').insert({ ...row, created_at: Date.now() });
  return toUser(row);
}

export async function findUserByEmail(knex: Knex, email: string): Promise<UserRow | undefined> {
  return knex<UserRow>('users').where({ email: email.trim().toLowerCase() }).first();
}

export async function findUserById(knex: Knex, id: string): Promise<User | undefined> {
  const row = await knex<UserRow>('users').where({ id }).first();
  return row ? toUser(row) : undefined;
}

export async function listUsers(knex: Knex): Promise<User[]> {
  const rows = await knex<UserRow>('users').orderBy('name');
  return rows.map(toUser);
}

/** Creates the first admin from configuration when the database has no user at all. */
export async function ensureFirstAdmin(
  knex: Knex,
  email: string | undefined,
  password: string | undefined,
): Promise<User | null> {
  const count = await knex('users').count<{ n: number | string }[]>({ n: '*' });
  if (Number(count[0]?.n ?? 0) > 0) return null;
  if (!email || !password) return null;
  return createUser(knex, { email, name: 'Administrator', role: 'admin', password });
}

/** Disables (or enables again) an account; false when there is no such user. */
export async function setUserDisabled(knex: Knex, id: string, disabled: boolean): Promise<boolean> {
  const n = await knex('users')
    .where({ id })
    .update({ disabled_at: disabled ? Date.now() : null });
  return n > 0;
}

/** Stores a new password hash; false when there is no such user. */
export async function setUserPassword(knex: Knex, id: string, password: string): Promise<boolean> {
  const n = await knex('users')
    .where({ id })
    .update({ password_hash: await hashPassword(password) });
  return n > 0;
}

export async function findUserRowById(knex: Knex, id: string): Promise<UserRow | undefined> {
  return knex<UserRow>('users').where({ id }).first();
}
