import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  BillboardStatusUpdate,
  CreateScreenResponse,
  Screen,
  SyncResult,
} from '../../protocol';
import { ok } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice } from '../../test/helpers/device';
import {
  ADMIN,
  api,
  connectSocket,
  emitAck,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';

describe.each(testDatabases())('live path: agent → MQTT → server → console (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    token = (await login(server)).token;
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function createScreen(id: string) {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: `Screen ${id}`, tags: ['north'] },
      token,
    );
    expect(res.status).toBe(201);
    return res.body;
  }

  it('refuses a Socket.IO connection without a valid token', async () => {
    await expect(connectSocket(server, 'not-a-real-token-not-a-real-token')).rejects.toThrow(
      /unauthorized/,
    );
    const { io } = await import('socket.io-client');
    const s = io(server.url, { transports: ['websocket'], reconnection: false });
    const err = await new Promise<Error>((resolve) => s.once('connect_error', resolve));
    expect(err.message).toMatch(/unauthorized/);
    s.close();
  });

  it('shows a device coming online with its telemetry, then lost by its Last Will', async () => {
    const { credentials, screen } = await createScreen('lobby-1');
    expect(screen.state).toBe('unknown');
    const socket = await connectSocket(server, token);
    const updates: BillboardStatusUpdate[] = [];
    socket.on('billboardStatusUpdate', (u) => updates.push(u));
    // Whole screens and telemetry patches, merged in revision order as a console does.
    const latest = (id: string) => {
      let screen: Screen | undefined;
      for (const u of updates) {
        for (const s of u.screens) if (s.id === id && (!screen || s.rev >= screen.rev)) screen = s;
        for (const p of u.patches) {
          if (p.id === id && screen && p.rev > screen.rev) {
            screen = { ...screen, rev: p.rev, lastSeen: p.lastSeen, telemetry: p.telemetry };
          }
        }
      }
      return screen;
    };

    const device = await connectDevice(server.mqttUrl, 'lobby-1', credentials.password);
    await device.publishState('online');
    await device.publishTelemetry({ temperatureC: 51.25 });
    await waitFor(() => latest('lobby-1')?.telemetry?.temperatureC === 51.25, 5000, 'telemetry');
    expect(latest('lobby-1')?.state).toBe('online');
    expect(latest('lobby-1')?.capabilities).toEqual(['reboot', 'setBrightness']);

    // Kill the connection without DISCONNECT: the broker publishes the Last Will.
    device.client.stream.destroy();
    await waitFor(() => latest('lobby-1')?.state === 'lost', 3000, 'lost');

    // `sync` from zero returns the same state the broadcasts ended with.
    const res = await emitAck<{ ok: true; data: SyncResult }>(socket, 'sync', { cursor: 0 });
    expect(res.ok).toBe(true);
    const synced = res.data.screens.find((s) => s.id === 'lobby-1');
    expect(synced?.state).toBe('lost');
    expect(synced?.rev).toBe(latest('lobby-1')?.rev);
    expect(res.data.cursor).toBeGreaterThanOrEqual(updates.at(-1)!.cursor);
    socket.close();
  });

  it('ignores a stale Last Will from an earlier boot', async () => {
    const { credentials } = await createScreen('lobby-2');
    const old = await connectDevice(server.mqttUrl, 'lobby-2', credentials.password, {
      bootId: 'boot-old',
    });
    await old.publishState('online');
    await old.end();
    const fresh = await connectDevice(server.mqttUrl, 'lobby-2', credentials.password, {
      bootId: 'boot-new',
    });
    await fresh.publishState('online');
    await waitFor(() => server.fleet.state.get('lobby-2')?.state === 'online');
    // The old process's will, arriving late.
    await fresh.publishRaw(
      'marquee/v1/screens/lobby-2/state',
      JSON.stringify({
        ts: Date.now(),
        bootId: 'boot-old',
        seq: 0,
        state: 'lost',
        agentVersion: 'x',
        capabilities: [],
      }),
    );
    await new Promise((r) => setTimeout(r, 150));
    expect(server.fleet.state.get('lobby-2')?.state).toBe('online');
    expect(server.ctx.metrics.dropped.get('stale')).toBeGreaterThanOrEqual(1);
    await fresh.end();
  });

  it('rejects malformed payloads with a reason and keeps serving', async () => {
    const { credentials } = await createScreen('lobby-3');
    const device = await connectDevice(server.mqttUrl, 'lobby-3', credentials.password);
    const before = server.ctx.metrics.rejected.total();
    await device.publishRaw('marquee/v1/screens/lobby-3/telemetry', '{not json', 0);
    await device.publishRaw(
      'marquee/v1/screens/lobby-3/telemetry',
      JSON.stringify({ ts: 'yesterday' }),
      0,
    );
    await device.publishRaw(
      'marquee/v1/screens/lobby-3/state',
      JSON.stringify({ state: 'exploded' }),
      1,
    );
    await waitFor(() => server.ctx.metrics.rejected.total() >= before + 3, 3000, 'rejections');
    expect(server.ctx.metrics.rejected.get('bad_json')).toBeGreaterThanOrEqual(1);
    expect(server.ctx.metrics.rejected.get('schema')).toBeGreaterThanOrEqual(2);
    await device.publishState('online');
    await waitFor(
      () => server.fleet.state.get('lobby-3')?.state === 'online',
      3000,
      'valid traffic after bad',
    );
    const health = await api<{ ok: boolean }>(server, 'GET', '/healthz');
    expect(health).toEqual({ status: 200, body: { ok: true, database: true, broker: true } });
    await device.end();
  });

  it('refuses a device publishing under another screen id', async () => {
    const a = await createScreen('lobby-4');
    await createScreen('lobby-5');
    const device = await connectDevice(server.mqttUrl, 'lobby-4', a.credentials.password, {
      will: false,
    });
    const closed = new Promise<void>((resolve) => device.client.once('close', () => resolve()));
    await device.publishRaw(
      'marquee/v1/screens/lobby-5/state',
      JSON.stringify({
        ts: Date.now(),
        bootId: 'b',
        seq: 1,
        state: 'online',
        agentVersion: 'x',
        capabilities: [],
      }),
      0,
    );
    // The broker drops the forged message and the connection that sent it.
    await closed;
    await new Promise((r) => setTimeout(r, 100));
    expect(server.fleet.state.get('lobby-5')?.state).toBe('unknown');
    await device.client.endAsync(true);
  });

  it('refuses a device with wrong credentials', async () => {
    await createScreen('lobby-6');
    await expect(connectDevice(server.mqttUrl, 'lobby-6', 'wrong-password')).rejects.toThrow();
  });

  it('answers bad REST input with a clear error', async () => {
    const bad = await api<{ error: { message: string } }>(
      server,
      'POST',
      '/api/screens',
      { name: '', id: 'has spaces' },
      token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/id|name/);
    const malformed = await api(server, 'POST', '/api/auth/login', '{"email":', undefined);
    expect(malformed.status).toBe(400);
    const noAuth = await api(server, 'GET', '/api/screens');
    expect(noAuth.status).toBe(401);
    const wrong = await api(server, 'POST', '/api/auth/login', {
      email: ADMIN.email,
      password: 'nope',
    });
    expect(wrong.status).toBe(401);
  });

  it('acknowledges a malformed socket event with an error and stays connected', async () => {
    const socket = await connectSocket(server, token);
    const res = await emitAck(socket, 'sync', { cursor: 'yesterday' });
    expect(res).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const unknown = await emitAck(socket, 'launchRockets', {});
    expect(unknown).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const good = await emitAck<{ ok: boolean }>(socket, 'sync', { cursor: 0 });
    expect(good.ok).toBe(true);
    expect(socket.connected).toBe(true);
    socket.close();
    expect(ok(1)).toEqual({ ok: true, data: 1 });
  });
});
