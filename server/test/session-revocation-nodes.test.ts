/**
 * Hardening (issue 10): ending a session reaches sockets on another server node. Two real
 * server nodes on one PostgreSQL database with the Redis adapter (REDIS_URL); a logout or a
 * disabled account on node A ends the user's socket connected to node B.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEnded } from '../../protocol';
import { startServer, type RunningServer } from '../src/app';
import { createTestDatabase, type TestDatabase } from '../../test/helpers/databases';
import { ADMIN, api, connectSocket, login, waitFor } from '../../test/helpers/server';

const PG = process.env.MARQUEE_TEST_PG_URL;
const REDIS_URL = process.env.MARQUEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!PG)
  console.warn('[marquee tests] two-node session test skipped: MARQUEE_TEST_PG_URL is not set');

describe.skipIf(!PG)('sessions end across nodes (postgres + redis)', () => {
  let db: TestDatabase;
  let a: RunningServer;
  let b: RunningServer;
  const node = (nodeDb: TestDatabase) =>
    startServer({
      port: 0,
      host: '127.0.0.1',
      mqttPort: 0,
      dataDir: nodeDb.dataDir,
      databaseUrl: nodeDb.url,
      adminEmail: ADMIN.email,
      adminPassword: ADMIN.password,
      redisUrl: REDIS_URL,
      logLevel: 'silent',
    });
  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    a = await node(db);
    b = await node(db);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await db?.drop();
  });

  it('a logout on node A ends the session’s socket on node B', async () => {
    const { token } = await login(a);
    const socket = await connectSocket(b, token);
    let ended: SessionEnded | null = null;
    let reason: string | null = null;
    socket.on('session_ended', (e) => (ended = e));
    socket.on('disconnect', (r) => (reason = r));
    const t0 = Date.now();
    expect((await api(a, 'POST', '/api/auth/logout', {}, token)).status).toBe(204);
    await waitFor(() => reason, 3000, 'node B’s socket to end');
    expect(ended).toMatchObject({ reason: 'logout' });
    expect(reason).toBe('io server disconnect');
    console.log(`[nodes] logout on A → socket on B ended in ${Date.now() - t0} ms`);
  });
});
