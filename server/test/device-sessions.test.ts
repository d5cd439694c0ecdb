/**
 * A device's live session ends with its credentials (embedded broker, SQLite and PostgreSQL):
 * retiring a screen or rotating its credentials closes the connection at once and the old
 * login is refused; the server's own identities cannot be registered as screens nor used by a
 * device to take over the server's session.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, DeviceCredentials } from '../../protocol';
import { createScreen } from '../../server/src/fleet/screens-repo';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

describe.each(testDatabases())('device sessions on the embedded broker (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    ({ token } = await login(server));
  });
  afterAll(async () => {
    await server?.stop();
  });

  const register = async (id: string) => {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: id },
      token,
    );
    expect(res.status).toBe(201);
    return res.body.credentials.password;
  };

  /** Resolves with how long after `since` the device's connection closed. */
  const closedWithin = (device: FakeDevice, since: number) =>
    new Promise<number>((resolve) =>
      device.client.once('close', () => resolve(Date.now() - since)),
    );

  it('retire: the live session closes within 1 s and the device cannot log in again', async () => {
    const password = await register('life-retire');
    const device = await connectDevice(server.mqttUrl, 'life-retire', password);
    await device.publishState('online');
    await waitFor(() => server.fleet.state.get('life-retire')?.state === 'online', 3000, 'online');

    const started = Date.now();
    const closed = closedWithin(device, started);
    const res = await api(server, 'DELETE', '/api/screens/life-retire', undefined, token);
    expect(res.status).toBe(200);
    const ms = await Promise.race([closed, new Promise<number>((r) => setTimeout(r, 3000, -1))]);
    console.log(`[sessions] retire → connection closed after ${ms} ms (${dbKind})`);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1000);
    await device.end();
    await expect(connectDevice(server.mqttUrl, 'life-retire', password)).rejects.toThrow();
    // A retired screen gets no new credentials either.
    const rotate = await api<{ error: { message: string } }>(
      server,
      'POST',
      '/api/screens/life-retire/credentials',
      undefined,
      token,
    );
    expect(rotate.status).toBe(409);
    expect(rotate.body.error.message).toBe(
      'Screen "life-retire" is retired: it has no credentials.',
    );
  });

  it('rotate: the live session closes, the old password is refused, the new one works', async () => {
    const oldPassword = await register('life-rotate');
    const device = await connectDevice(server.mqttUrl, 'life-rotate', oldPassword);
    const started = Date.now();
    const closed = closedWithin(device, started);
    const res = await api<{ credentials: DeviceCredentials }>(
      server,
      'POST',
      '/api/screens/life-rotate/credentials',
      undefined,
      token,
    );
    expect(res.status).toBe(200);
    const ms = await Promise.race([closed, new Promise<number>((r) => setTimeout(r, 3000, -1))]);
    console.log(`[sessions] rotate → connection closed after ${ms} ms (${dbKind})`);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1000);
    await device.end();
    await expect(connectDevice(server.mqttUrl, 'life-rotate', oldPassword)).rejects.toThrow();
    const renewed = await connectDevice(
      server.mqttUrl,
      'life-rotate',
      res.body.credentials.password,
    );
    await renewed.publishState('online');
    await waitFor(() => server.fleet.state.get('life-rotate')?.state === 'online', 3000, 'online');
    await renewed.end();
  });

  it('refuses to register a screen under one of the server identities, with a sentence', async () => {
    for (const id of ['marquee-server', 'marquee-server-main', 'Marquee-Server-2']) {
      const res = await api<{ error: { code: string; message: string } }>(
        server,
        'POST',
        '/api/screens',
        { id, name: 'Impostor' },
        token,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('reserved for the server');
    }
    expect(server.fleet.state.get('marquee-server-main')).toBeUndefined();
  });

  it("a screen row carrying the server's client id (from before the rule) cannot take over the server's session", async () => {
    // Written straight to the database, as an older version allowed.
    const { credentials } = await createScreen(server.ctx.knex, {
      id: 'marquee-server-main',
      name: 'Impostor',
      tags: [],
    });
    const watcher = await mqtt.connectAsync(server.mqttUrl, {
      ...server.embeddedBroker!.serviceCredentials,
      clientId: 'marquee-server-test-watcher',
      reconnectPeriod: 0,
    });
    const disconnected: string[] = [];
    watcher.on('message', (_topic, payload) => disconnected.push(payload.toString()));
    await watcher.subscribeAsync('$SYS/+/disconnect/clients', { qos: 0 });

    await expect(
      mqtt.connectAsync(server.mqttUrl, {
        clientId: 'marquee-server-main',
        username: 'marquee-server-main',
        password: credentials.password,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    // Nor can a device pick the server's client id under its own name.
    const password = await register('life-impostor');
    await expect(
      mqtt.connectAsync(server.mqttUrl, {
        clientId: 'marquee-server-main',
        username: 'life-impostor',
        password,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    await watcher.endAsync();
    expect(disconnected).not.toContain('marquee-server-main');
    const health = await api<{ broker: boolean }>(server, 'GET', '/healthz');
    expect(health.body.broker).toBe(true);
  });
});
