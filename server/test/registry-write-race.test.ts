/**
 * A tick's snapshot written after a retire or restore must not write the old `retired` back:
 * retiring and restoring write it in the transaction that revokes or issues credentials, and
 * the status writer leaves the column alone (batch-store.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Screen } from '../../protocol';
import { KnexBatchStore, SqliteBatchStore } from '../../server/src/fleet/batch-store';
import { testDatabases } from '../../test/helpers/databases';
import { api, login, startTestServer, type TestServer } from '../../test/helpers/server';

describe.each(testDatabases())('a stale tick after retire/restore (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  beforeAll(async () => {
    server = await startTestServer(dbKind);
    ({ token } = await login(server));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const storedRetired = async (id: string) => {
    const row = (await server.ctx.knex('screens').where({ id }).first('retired')) as {
      retired: unknown;
    };
    return Boolean(row.retired);
  };
  const writeStale = async (screen: Screen) => {
    const store = server.ctx.isPostgres
      ? new KnexBatchStore(server.ctx.knex)
      : new SqliteBatchStore(server.ctx.knex);
    await store.write({
      screens: [{ screen, bootId: null, full: true }],
      stateHistory: [],
      telemetryHistory: [],
    });
  };

  it('keeps a restored screen restored and a retired one retired', async () => {
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'race-1', name: 'Race', tags: [] },
      token,
    );
    expect(created.status).toBe(201);
    const before = created.body.screen;

    const retired = await api(server, 'POST', '/api/admin/screens/race-1/retire', {}, token);
    expect(retired.status).toBe(200);
    // The snapshot a tick took just before the retire commits, written just after it.
    await writeStale({ ...before, retired: false });
    expect(await storedRetired('race-1')).toBe(true);

    const restored = await api(server, 'POST', '/api/admin/screens/race-1/restore', {}, token);
    expect(restored.status).toBe(200);
    await writeStale({ ...before, retired: true });
    expect(await storedRetired('race-1')).toBe(false);
  });

  it('retires through DELETE /api/screens/:id in the database at once', async () => {
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'race-2', name: 'Race 2', tags: [] },
      token,
    );
    expect(created.status).toBe(201);
    const gone = await api(server, 'DELETE', '/api/screens/race-2', undefined, token);
    expect(gone.status).toBe(200);
    expect(await storedRetired('race-2')).toBe(true);
  });
});
