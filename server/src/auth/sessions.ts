/** Session tokens: expiring, revocable, stored only as a hash. */
import type { Knex } from 'knex';
import type { User } from '../../../protocol';
import { newId, newSecret, sha256 } from './tokens';
import { findUserById } from './users';

export interface Session {
  id: string;
  user: User;
  expiresAt: number;
}

export async function createSession(
  knex: Knex,
  userId: string,
  ttlMs: number,
): Promise<{ token: string; sessionId: string; expiresAt: number }> {
  const token = newSecret();
  const now = Date.now();
  const sessionId = newId();
  const expiresAt = now + ttlMs;
  await knex('sessions').insert({
    id: sessionId,
    user_id: userId,
    token_hash: sha256(token),
    created_at: now,
    expires_at: expiresAt,
  });
  return { token, sessionId, expiresAt };
}

export async function verifySession(knex: Knex, token: unknown): Promise<Session | null> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
  const row = await knex('sessions')
    .where({ token_hash: sha256(token) })
    .first();
  if (!row || row.revoked_at || Number(row.expires_at) < Date.now()) return null;
  const user = await findUserById(knex, row.user_id);
  return user ? { id: row.id, user, expiresAt: Number(row.expires_at) } : null;
}

export async function revokeSession(knex: Knex, sessionId: string): Promise<void> {
  await knex('sessions').where({ id: sessionId }).update({ revoked_at: Date.now() });
}
