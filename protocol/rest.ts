/** REST request and response shapes. */
import { z } from 'zod';
import { Role, Screen, ScreenId, User } from './domain';

export const LoginRequest = z.object({
  email: z.string().trim().toLowerCase().email().max(254),
  password: z.string().min(1).max(1024),
});
export type LoginRequest = z.infer<typeof LoginRequest>;
export interface LoginResponse {
  token: string;
  user: User;
  expiresAt: number;
}

const tag = z.string().trim().min(1).max(64);

/**
 * The server's own MQTT identities: its username on the embedded broker and its client ids
 * (`marquee-server-<node>`). A screen id is a device's username and client id, so a screen
 * under one of these would log in as the server, or take over its session.
 */
export const RESERVED_ID_PREFIX = 'marquee-server';
export const isReservedScreenId = (id: string): boolean =>
  id.toLowerCase().startsWith(RESERVED_ID_PREFIX);
export const RESERVED_ID_MESSAGE = `Screen ids starting with "${RESERVED_ID_PREFIX}" are reserved for the server's own connection to the broker; choose another id.`;

/** What an operator says of a screen, without defaults (an edit changes only what it names). */
const screenFields = {
  name: z.string().trim().min(1).max(200),
  address: z.string().max(500),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
  tags: z.array(tag).max(50),
};

export const CreateScreenRequest = z
  .object({
    id: ScreenId.refine((id) => !isReservedScreenId(id), RESERVED_ID_MESSAGE).optional(),
    name: screenFields.name,
    address: screenFields.address.optional(),
    lat: screenFields.lat.optional(),
    lng: screenFields.lng.optional(),
    tags: screenFields.tags.default([]),
  })
  .strict();
export type CreateScreenRequest = z.input<typeof CreateScreenRequest>;

// Not `CreateScreenRequest.partial()`: zod keeps `tags`' default there, so renaming a screen
// erased its tags.
export const UpdateScreenRequest = z.object(screenFields).partial().strict();
export type UpdateScreenRequest = z.input<typeof UpdateScreenRequest>;

export interface DeviceCredentials {
  username: string;
  password: string;
}
export interface CreateScreenResponse {
  screen: Screen;
  /** Shown once: the server keeps only a hash. */
  credentials: DeviceCredentials;
}

export const CreateUserRequest = z
  .object({
    email: z.string().trim().toLowerCase().email().max(254),
    name: z.string().trim().min(1).max(200),
    role: Role,
    password: z.string().min(12, 'at least 12 characters').max(1024),
  })
  .strict();
export type CreateUserRequest = z.input<typeof CreateUserRequest>;

/**
 * PATCH /api/users/:id (admin). `disabled: true` signs the user out everywhere and refuses
 * their sign-in; `password` sets a new one and ends every session the user has.
 */
export const UpdateUserRequest = z
  .object({
    disabled: z.boolean().optional(),
    password: z.string().min(12, 'at least 12 characters').max(1024).optional(),
  })
  .strict()
  .refine((v) => v.disabled !== undefined || v.password !== undefined, {
    message: 'say what to change: disabled or password',
  });
export type UpdateUserRequest = z.input<typeof UpdateUserRequest>;

/**
 * POST /api/me/password: the signed-in user changes their own password. Every other session
 * of theirs ends (their other consoles are signed out); the one asking stays signed in.
 */
export const ChangePasswordRequest = z
  .object({
    currentPassword: z.string().min(1).max(1024),
    newPassword: z.string().min(12, 'at least 12 characters').max(1024),
  })
  .strict();
export type ChangePasswordRequest = z.input<typeof ChangePasswordRequest>;

export interface ApiError {
  error: { code: string; message: string };
}

/** GET /api/screens/:id/history — state transitions and telemetry samples, oldest first. */
export interface ScreenHistoryResponse {
  states: { state: string; ts: number }[];
  telemetry: {
    ts: number;
    temperatureC: number | null;
    cpuPct: number;
    memoryPct: number;
    brightness: number;
  }[];
}
