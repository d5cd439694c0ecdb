/** Screen registry in the database: create, edit, retire, credentials, reads, history. */
import type { Knex } from 'knex';
import type {
  CreateScreenRequest,
  DeviceCredentials,
  Screen,
  ScreenHistoryResponse,
} from '../../../protocol';
import { reserveRevisions } from '../db/revisions';
import { newId, newSecret, sha256 } from '../auth/tokens';
import { AppError } from '../errors';
import { mosquittoHash } from '../broker/mosquitto-auth';
import { rowToScreen, type ScreenRow } from './screen-rows';

export async function loadAllScreens(
  knex: Knex,
): Promise<{ screen: Screen; bootId: string | null }[]> {
  const rows = await knex<ScreenRow>('screens').select('*');
  return rows.map((row) => ({ screen: rowToScreen(row), bootId: row.boot_id }));
}

export async function screensInWindow(knex: Knex, from: number, to: number): Promise<Screen[]> {
  const rows = await knex<ScreenRow>('screens')
    .where('rev', '>', from)
    .andWhere('rev', '<=', to)
    .orderBy('rev');
  return rows.map(rowToScreen);
}

export async function createScreen(
  knex: Knex,
  input: CreateScreenRequest & { tags: string[] },
  /** Runs inside the creating transaction (the audit record commits with the screen). */
  alsoInTransaction?: (trx: Knex.Transaction, screen: Screen) => Promise<void>,
): Promise<{ screen: Screen; credentials: DeviceCredentials }> {
  const id =
    input.id ??
    `scr-${newId()
      .slice(0, 10)
      .replace(/[^A-Za-z0-9]/g, 'x')}`;
  const password = newSecret();
  return knex.transaction(async (trx) => {
    const exists = await trx('screens').where({ id }).first('id');
    if (exists) throw new AppError('conflict', `a screen with id "${id}" exists`);
    const rev = await reserveRevisions(trx, 1);
    const now = Date.now();
    const row = {
      id,
      name: input.name,
      address: input.address ?? null,
      lat: input.lat ?? null,
      lng: input.lng ?? null,
      tags: JSON.stringify(input.tags),
      retired: false,
      state: 'unknown' as const,
      state_since: null,
      last_seen: null,
      boot_id: null,
      agent_version: null,
      capabilities: '[]',
      telemetry: null,
      rev,
    };
    await trx('screens').insert({ ...row, created_at: now });
    await trx('device_credentials').insert({
      screen_id: id,
      secret_hash: sha256(password),
      mosquitto_hash: mosquittoHash(password),
      created_at: now,
    });
    const screen = rowToScreen(row);
    await alsoInTransaction?.(trx, screen);
    return { screen, credentials: { username: id, password } };
  });
}

/** New device credentials; the old ones stop working at once (the route also ends the live session). */
export async function rotateCredentials(knex: Knex, screenId: string): Promise<DeviceCredentials> {
  const password = newSecret();
  const updated = await knex('device_credentials')
    .where({ screen_id: screenId })
    .update({
      secret_hash: sha256(password),
      mosquitto_hash: mosquittoHash(password),
      created_at: Date.now(),
    });
  if (updated === 0) throw new AppError('not_found', `no screen "${screenId}"`);
  return { username: screenId, password };
}

/**
 * A retired screen's device may not log in again: its credentials go at once (the `retired`
 * flag reaches the database with the next status write; this does not wait for it).
 */
export async function revokeCredentials(knex: Knex, screenId: string): Promise<void> {
  await knex('device_credentials').where({ screen_id: screenId }).delete();
}

export async function verifyDeviceCredentials(
  knex: Knex,
  screenId: string,
  password: string,
): Promise<boolean> {
  // The credentials row alone says whether the device may log in (retire deletes it, restore
  // writes a new one; migration 011): not `screens.retired`, which the batched status writer can
  // rewrite with an older copy for a moment after a restore.
  const row = await knex('device_credentials').where({ screen_id: screenId }).first('secret_hash');
  return Boolean(row) && row.secret_hash === sha256(password);
}

export async function screenHistory(
  knex: Knex,
  screenId: string,
  sinceMs: number,
): Promise<ScreenHistoryResponse> {
  const [states, telemetry] = await Promise.all([
    knex('screen_state_history')
      .where({ screen_id: screenId })
      .andWhere('ts', '>=', sinceMs)
      // Retired/restored markers are for uptime reports; the detail's history shows states.
      .whereIn('state', ['online', 'offline', 'lost'])
      .orderBy('ts')
      .limit(1000)
      .select('state', 'ts'),
    knex('telemetry_history')
      .where({ screen_id: screenId })
      .andWhere('ts', '>=', sinceMs)
      .orderBy('ts', 'desc')
      .limit(720)
      .select('ts', 'temperature_c', 'cpu_pct', 'memory_pct', 'brightness'),
  ]);
  return {
    states: states.map((s) => ({ state: s.state, ts: Number(s.ts) })),
    telemetry: telemetry.reverse().map((t) => ({
      ts: Number(t.ts),
      temperatureC: t.temperature_c,
      cpuPct: t.cpu_pct,
      memoryPct: t.memory_pct,
      brightness: t.brightness,
    })),
  };
}
