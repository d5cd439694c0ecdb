import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maintainHistory } from '../../server/src/fleet/history-maintenance';
import { testDatabases } from '../../test/helpers/databases';
import {
  ADMIN,
  api,
  connectSocket,
  login,
  startTestServer,
  type TestServer,
} from '../../test/helpers/server';

const DAY = 24 * 3600_000;

describe.each(testDatabases())('history maintenance and sessions (%s)', (dbKind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dbKind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('folds old telemetry into 5-minute averages and prunes past retention', async () => {
    const now = Date.UTC(2026, 10, 20, 12, 0, 0);
    const bucket = Math.floor((now - 3 * DAY) / 300_000) * 300_000;
    const row = (ts: number, t: number) => ({
      screen_id: 'h-1',
      ts,
      temperature_c: t,
      cpu_pct: 10,
      memory_pct: 20,
      brightness: 50,
      power: 'on',
    });
    await server.ctx.knex('telemetry_history').insert([
      // Three samples in one 5-minute bucket three days ago: become one average.
      row(bucket + 10_000, 40),
      row(bucket + 20_000, 50),
      row(bucket + 30_000, 60),
      // One sample 40 days ago: pruned.
      row(now - 40 * DAY, 30),
      // One recent sample: kept as it is.
      row(now - 3600_000, 45),
    ]);
    const result = await maintainHistory(
      server.ctx.knex,
      server.ctx.isPostgres,
      { rawDays: 2, retentionDays: 30 },
      now,
    );
    expect(result).toEqual({ downsampledFrom: 3, downsampledTo: 1, pruned: 1 });
    const rows = await server.ctx
      .knex('telemetry_history')
      .where({ screen_id: 'h-1' })
      .orderBy('ts');
    expect(
      rows.map((r) => [Number(r.ts), Number(r.temperature_c), Number(r.resolution_s)]),
    ).toEqual([
      [bucket, 50, 300],
      [now - 3600_000, 45, 0],
    ]);
    // Running again changes nothing.
    expect(
      await maintainHistory(
        server.ctx.knex,
        server.ctx.isPostgres,
        { rawDays: 2, retentionDays: 30 },
        now,
      ),
    ).toEqual({
      downsampledFrom: 0,
      downsampledTo: 0,
      pruned: 0,
    });
  });

  it('revokes a session on logout: REST and sockets refuse the token after', async () => {
    const { token } = await login(server);
    expect((await api(server, 'GET', '/api/me', undefined, token)).status).toBe(200);
    expect((await api(server, 'POST', '/api/auth/logout', {}, token)).status).toBe(204);
    expect((await api(server, 'GET', '/api/me', undefined, token)).status).toBe(401);
    await expect(connectSocket(server, token)).rejects.toThrow(/unauthorized/);
  });

  it('rate-limits sign-in attempts', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      statuses.push(
        (
          await api(server, 'POST', '/api/auth/login', {
            email: 'nobody@test.local',
            password: 'wrong',
          })
        ).status,
      );
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(10)).toEqual([429, 429]);
    // Another account is not locked out by it.
    expect((await api(server, 'POST', '/api/auth/login', ADMIN)).status).toBe(200);
  });

  it('stores passwords as scrypt hashes, never in clear', async () => {
    const row = await server.ctx.knex('users').where({ email: ADMIN.email }).first();
    expect(row.password_hash).toMatch(/^scrypt\$131072\$8\$1\$/);
    expect(row.password_hash).not.toContain(ADMIN.password);
  });
});
