/**
 * Account administration: create, change role, disable/enable, reset a password. Each change
 * and its audit record commit together; sessions (and their sockets) end after the commit.
 *
 * Guard rail: the network always keeps one active admin. The last active admin cannot be
 * disabled or given another role (by themselves — nobody else can, there is no other admin).
 * An admin cannot disable their own account at all (rule from issue 10, unchanged).
 */
import type { Knex } from 'knex';
import type { z } from 'zod';
import type {
  AdminCreateUserRequest,
  AdminCreateUserResponse,
  AdminUpdateUserRequest,
  AdminUpdateUserResponse,
  Role,
  SessionEndReason,
  User,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { hashPassword } from '../auth/passwords';
import type { SessionSignals } from '../auth/session-signals';
import { revokeUserSessions } from '../auth/sessions';
import { newId, newSecret } from '../auth/tokens';
import { findUserByEmail, findUserRowById } from '../auth/users';
import { AppError } from '../errors';
import { activeAdminCount, personById, type PresenceSource } from './people';

export interface UserAdminDeps {
  knex: Knex;
  signals: SessionSignals;
  presence: PresenceSource;
  /** Screen access may differ (a role changed): the live advertiser index re-reads them. */
  accessChanged(userIds: string[]): Promise<void>;
}

/** 16 characters from 96 random bits: typed once by the person, then changed in Settings. */
const generatePassword = (): string => newSecret().slice(0, 16);

const ROLE_NAME: Record<Role, string> = {
  admin: 'admin',
  operator: 'operator',
  advertiser: 'advertiser',
};

export async function createAccount(
  deps: UserAdminDeps,
  actor: User,
  body: z.output<typeof AdminCreateUserRequest>,
): Promise<AdminCreateUserResponse> {
  const { knex } = deps;
  if (await findUserByEmail(knex, body.email))
    throw new AppError('conflict', `There is already an account for ${body.email}.`);
  const generated = body.password ? undefined : generatePassword();
  const hash = await hashPassword(body.password ?? generated!);
  const id = newId();
  await knex
    .transaction(async (trx) => {
      await trx('users').insert({
        id,
        email: body.email,
        name: body.name,
        role: body.role,
        password_hash: hash,
        created_at: Date.now(),
      });
      await recordAudit(trx, {
        actor,
        action: 'user.created',
        targetType: 'user',
        targetId: id,
        summary: `Created ${ROLE_NAME[body.role]} ${body.name} (${body.email})`,
        details: { email: body.email, role: body.role, passwordGenerated: !!generated },
      });
    })
    .catch((err: unknown) => {
      // Two admins creating the same e-mail at once: the unique index decides.
      if (/unique|duplicate/i.test(String((err as Error).message)))
        throw new AppError('conflict', `There is already an account for ${body.email}.`);
      throw err;
    });
  const user = (await personById(knex, deps.presence, id))!;
  return { user, ...(generated ? { generatedPassword: generated } : {}) };
}

export async function updateAccount(
  deps: UserAdminDeps,
  actor: User,
  actorSessionId: string,
  id: string,
  body: z.output<typeof AdminUpdateUserRequest>,
): Promise<AdminUpdateUserResponse> {
  const { knex } = deps;
  const row = await findUserRowById(knex, id);
  if (!row) throw new AppError('not_found', `There is no user "${id}".`);
  const wasDisabled = row.disabled_at !== null && row.disabled_at !== undefined;
  const self = id === actor.id;
  if (body.disabled && self) throw new AppError('conflict', 'You cannot disable your own account.');
  const roleChanges = body.role !== undefined && body.role !== row.role;
  const disables = body.disabled === true && !wasDisabled;
  const enables = body.disabled === false && wasDisabled;
  const generated = body.generatePassword ? generatePassword() : undefined;
  const newPassword = body.password ?? generated;
  const hash = newPassword === undefined ? undefined : await hashPassword(newPassword);

  await knex.transaction(async (trx) => {
    if (row.role === 'admin' && !wasDisabled && (disables || roleChanges)) {
      // Counted inside the transaction, so two admins demoting each other at once cannot both pass.
      if ((await activeAdminCount(trx)) <= 1)
        throw new AppError(
          'conflict',
          `${row.name} is the last active admin: make someone else an admin first, so the network always has one.`,
        );
    }
    const patch: Record<string, unknown> = {};
    if (roleChanges) patch.role = body.role;
    if (disables) patch.disabled_at = Date.now();
    if (enables) patch.disabled_at = null;
    if (hash) patch.password_hash = hash;
    if (Object.keys(patch).length) await trx('users').where({ id }).update(patch);
    const who = `${row.name} (${row.email})`;
    if (roleChanges)
      await recordAudit(trx, {
        actor,
        action: 'user.role_changed',
        targetType: 'user',
        targetId: id,
        summary: `Changed the role of ${who} from ${row.role} to ${body.role}`,
        details: { from: row.role, to: body.role },
      });
    if (disables || enables)
      await recordAudit(trx, {
        actor,
        action: disables ? 'user.disabled' : 'user.enabled',
        targetType: 'user',
        targetId: id,
        summary: `${disables ? 'Disabled' : 'Enabled'} ${who}`,
      });
    if (hash)
      await recordAudit(trx, {
        actor,
        action: 'user.password_reset',
        targetType: 'user',
        targetId: id,
        summary: `Reset the password of ${who}`,
        details: { generated: !!generated },
      });
  });

  // Which sessions end, and the sentence their consoles show.
  const reason: SessionEndReason | null = disables
    ? 'disabled'
    : roleChanges
      ? 'role_changed'
      : hash
        ? 'password_changed'
        : null;
  if (reason) {
    // An admin resetting their own password keeps this session; one who changed their own
    // role is signed out too (this console's permissions were worked out for the old role).
    const keep = self && reason === 'password_changed' ? actorSessionId : undefined;
    await revokeUserSessions(knex, id, keep);
    deps.signals.endUser(id, reason, keep);
  }
  if (roleChanges) await deps.accessChanged([id]);
  const user = (await personById(knex, deps.presence, id))!;
  return { user, disabled: user.disabled, ...(generated ? { generatedPassword: generated } : {}) };
}
