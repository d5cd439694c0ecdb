/** Session tokens: expiring, revocable, stored only as a hash. */
import type { Knex } from 'knex';
import type { User } from '../../../protocol';
import { newId, newSecret, sha256 } from './tokens';
import { toUser } from './users';

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

/** The session a token stands for, if it is live: not revoked, not expired, its user enabled. */
export async function verifySession(knex: Knex, token: unknown): Promise<Session | null> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 200) return null;
  return liveSession(knex, { 's.token_hash': sha256(token) });
}

/** The same question by session id: asked again once a socket has joined its rooms. */
export function sessionById(knex: Knex, sessionId: string): Promise<Session | null> {
  return liveSession(knex, { 's.id': sessionId });
}

async function liveSession(knex: Knex, where: Record<string, string>): Promise<Session | null> {
  const row = await knex('sessions as s')
    .join('users as u', 'u.id', 's.user_id')
    .where(where)
    .first(
      's.id as session_id',
      's.expires_at',
      's.revoked_at',
      'u.id',
      'u.email',
      'u.name',
      'u.role',
      'u.password_hash',
      'u.disabled_at',
    );
  if (!row || row.revoked_at || row.disabled_at || Number(row.expires_at) <= Date.now())
    return null;
  return { id: row.session_id, user: toUser(row), expiresAt: Number(row.expires_at) };
}

export async function revokeSession(knex: Knex, sessionId: string): Promise<void> {
  await knex('sessions').where({ id: sessionId }).update({ revoked_at: Date.now() });
}

/** Revokes every live session of a user but `keepSessionId` (the one asking, if any). */
export async function revokeUserSessions(
  knex: Knex,
  userId: string,
  keepSessionId?: string,
): Promise<number> {
  const q = knex('sessions').where({ user_id: userId }).whereNull('revoked_at');
  if (keepSessionId) q.whereNot({ id: keepSessionId });
  return q.update({ revoked_at: Date.now() });
}

/**
 * Deletes sessions that can never be used again (expired or revoked), all of them or one
 * user's. A deleted session and a revoked one answer the same (no row = not signed in), so
 * nothing is kept for its own sake. Idempotent: several nodes may run it at once.
 */
export async function pruneSessions(
  knex: Knex,
  now = Date.now(),
  userId?: string,
): Promise<number> {
  const q = knex('sessions').where((b) =>
    b.where('expires_at', '<=', now).orWhereNotNull('revoked_at'),
  );
  if (userId) q.andWhere({ user_id: userId });
  return q.delete();
}
