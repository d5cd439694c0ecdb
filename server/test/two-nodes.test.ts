/**
 * Hardening (issue 10), across server nodes: two real nodes on one PostgreSQL database with the
 * Redis adapter (REDIS_URL). A logout on node A ends the session's socket on node B; an
 * advertiser connected to node B gets live status written by node A, for a screen whose link
 * was made on node B (the access change travels to A), and nothing of an unlinked screen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BillboardStatusUpdate, CreateScreenResponse, SessionEnded } from '../../protocol';
import { createSession } from '../src/auth/sessions';
import { connectDevice } from '../../test/helpers/device';
import { startServer, type RunningServer } from '../src/app';
import {
  createTestDatabase,
  testPostgresUrl,
  type TestDatabase,
} from '../../test/helpers/databases';
import { ADMIN, api, connectSocket, login, waitFor } from '../../test/helpers/server';

const PG = testPostgresUrl();
const REDIS_URL = process.env.MARQUEE_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
if (!PG)
  console.warn(
    '[marquee tests] two-node test skipped: this run has no PostgreSQL (the first lines say why)',
  );

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

  it('an advertiser on node B sees live status written by node A, only for the linked screen', async () => {
    const { knex } = a.ctx;
    const adminToken = (await login(a)).token;
    const hash = (await knex('users').where({ email: ADMIN.email }).first()).password_hash;
    await knex('users').insert({
      id: 'u_ada_nodes',
      email: 'ada-nodes@test.local',
      name: 'Ada',
      role: 'advertiser',
      password_hash: hash,
      created_at: Date.now(),
    });
    const adaToken = (await createSession(knex, 'u_ada_nodes', 3600_000)).token;
    const devices = [];
    for (const id of ['n-linked', 'n-other']) {
      const res = await api<CreateScreenResponse>(
        a,
        'POST',
        '/api/screens',
        { id, name: id },
        adminToken,
      );
      expect(res.status).toBe(201);
      const d = await connectDevice(a.mqttUrl, id, res.body.credentials.password);
      await d.publishState('online');
      devices.push(d);
    }
    const ada = await connectSocket(b, adaToken);
    const batches: BillboardStatusUpdate[] = [];
    ada.on('billboardStatusUpdate', (x) => batches.push(x));
    const ids = () =>
      new Set(batches.flatMap((x) => [...x.screens, ...x.patches].map((s) => s.id)));
    // The link is made on node B; node A, which writes the screen, must learn of it.
    const conv = await api(
      b,
      'POST',
      '/api/conversations',
      { kind: 'group', title: 'n', participantIds: ['u_ada_nodes'], screenId: 'n-linked' },
      adminToken,
    );
    expect(conv.status).toBe(201);
    await waitFor(() => ids().has('n-linked'), 3000, 'the newly linked screen');
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    for (const d of devices) d.client.stream.destroy();
    await waitFor(
      () => batches.some((x) => x.screens.some((s) => s.id === 'n-linked' && s.state === 'lost')),
      3000,
      'node A’s lost reaching the advertiser on node B',
    );
    console.log(`[nodes] lost on A → advertiser on B in ${Date.now() - t0} ms`);
    await new Promise((r) => setTimeout(r, 300));
    expect(ids().has('n-other')).toBe(false);
    ada.close();
  });
});
