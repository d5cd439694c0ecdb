/**
 * People and who sees what (issue 11), admin-only REST:
 *
 * - GET  /api/admin/people                 → PeopleResponse (every account, presence, last seen)
 * - POST /api/users                        AdminCreateUserRequest → AdminCreateUserResponse
 * - PATCH /api/users/:id                   AdminUpdateUserRequest → { user: Person, password? }
 * - GET  /api/admin/grants?userId=         → GrantsResponse
 * - POST /api/admin/grants                 ScreenGrantRequest (grant) → GrantsResponse
 * - POST /api/admin/grants/revoke          ScreenGrantRequest (revoke) → GrantsResponse
 *
 * A generated password is returned once, in the answer that set it; the server keeps a hash.
 */
import { z } from 'zod';
import { Role, ScreenId } from './domain';

export const MIN_PASSWORD_LENGTH = 12;

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(1024);

/** An account as the People view shows it. */
export interface Person {
  id: string;
  email: string;
  name: string;
  role: Role;
  disabled: boolean;
  createdAt: number;
  /** Signed in with a console connected now (on the answering node). */
  online: boolean;
  /** Sessions that are neither revoked nor expired (signed-in consoles, connected or not). */
  openSessions: number;
  /** When a console of theirs was last connected (now when online); null: never. */
  lastSeenAt: number | null;
}

export interface PeopleResponse {
  people: Person[];
}

/** POST /api/users: no `password` (or an empty one) means "generate one and show it once". */
export const AdminCreateUserRequest = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    name: z.string().trim().min(1).max(200),
    role: Role,
    password: password.optional(),
  })
  .strict();
export type AdminCreateUserRequest = z.input<typeof AdminCreateUserRequest>;

export interface AdminCreateUserResponse {
  user: Person;
  /** Only when the server generated it: shown once. */
  generatedPassword?: string;
}

/**
 * PATCH /api/users/:id. `role` changes the role (their sessions end: every permission of an
 * open console was worked out for the old role); `disabled` ends every session and refuses
 * sign-in; `password` or `generatePassword` resets the password (their sessions end).
 */
export const AdminUpdateUserRequest = z
  .object({
    role: Role.optional(),
    disabled: z.boolean().optional(),
    password: password.optional(),
    generatePassword: z.literal(true).optional(),
  })
  .strict()
  .refine(
    (v) =>
      v.role !== undefined ||
      v.disabled !== undefined ||
      v.password !== undefined ||
      v.generatePassword !== undefined,
    { message: 'say what to change: role, disabled or password' },
  )
  .refine((v) => !(v.password !== undefined && v.generatePassword), {
    message: 'give a password or ask for a generated one, not both',
  });
export type AdminUpdateUserRequest = z.input<typeof AdminUpdateUserRequest>;

export interface AdminUpdateUserResponse {
  user: Person;
  /** Kept for older callers of PATCH /api/users/:id. */
  disabled: boolean;
  generatedPassword?: string;
}

/** One advertiser may see one screen because an admin said so. */
export interface ScreenGrant {
  userId: string;
  screenId: string;
  grantedAt: number;
  grantedBy: string | null;
}

export const ScreenGrantRequest = z
  .object({
    userId: z.string().min(1).max(64),
    screenIds: z.array(ScreenId).min(1, 'pick at least one screen').max(1000),
  })
  .strict();
export type ScreenGrantRequest = z.input<typeof ScreenGrantRequest>;

export interface GrantsResponse {
  grants: ScreenGrant[];
}
