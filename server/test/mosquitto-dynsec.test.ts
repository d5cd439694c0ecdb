/**
 * The production path on Mosquitto: a real Mosquitto with the dynamic security plugin, started
 * from resources/mosquitto/marquee-dynsec.conf, and a real server with MQTT_DYNSEC on it. A
 * screen registered over REST can connect at once; no device can log in under another's
 * client id; rotating credentials or retiring the screen cuts its live session at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type CreateScreenResponse, type DeviceCredentials } from '../../protocol';
import { writeDynsecConfig } from '../../server/src/broker/mosquitto-auth';
import { testDatabases } from '../../test/helpers/databases';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';
import { startMosquitto, type MosquittoProcess } from '../../test/helpers/mosquitto-process';

const DYNSEC_PLUGIN = '/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so';
const ADMIN = { username: 'marquee-admin', password: 'dynsec-admin-secret-1' };

describe.each(testDatabases())('Mosquitto dynamic security (%s)', (dbKind) => {
  let broker: MosquittoProcess;
  let server: TestServer;
  let token: string;
  let dir: string;
  let preexistingPassword: string;

  beforeAll(async () => {
    if (!fs.existsSync(DYNSEC_PLUGIN))
      throw new Error(`the dynamic security plugin is needed at ${DYNSEC_PLUGIN}`);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-dynsec-'));
    const dynsecFile = path.join(dir, 'dynamic-security.json');
    // The initial plugin file, as `npm run mosquitto:auth -- --dynsec` writes it, from a
    // registry that already has a screen.
    const seed = await startTestServer(dbKind);
    const seedToken = (await login(seed)).token;
    const pre = await api<CreateScreenResponse>(
      seed,
      'POST',
      '/api/screens',
      { id: 'dyn-pre', name: 'Registered before' },
      seedToken,
    );
    preexistingPassword = pre.body.credentials.password;
    const written = await writeDynsecConfig(seed.ctx.knex, dynsecFile, ADMIN);
    expect(written.devices).toBe(1);
    await seed.stop();
    broker = await startMosquitto('marquee-dynsec.conf', dir, {
      plugin_opt_config_file: `plugin_opt_config_file ${dynsecFile}`,
    });
    server = await startTestServer(dbKind, {
      mqttUrl: `mqtt://${ADMIN.username}:${ADMIN.password}@127.0.0.1:${broker.port}`,
      mqttDynsec: true,
    }).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\nmosquitto log:\n${broker.log().slice(-3000)}`);
    });
    ({ token } = await login(server));
  });
  afterAll(async () => {
    await server?.stop();
    await broker?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
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
  const connect = (username: string, password: string, clientId = username) =>
    mqtt.connectAsync(broker.url, {
      clientId,
      username,
      password,
      protocolVersion: 5,
      reconnectPeriod: 0,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
  const closedWithinMs = (client: MqttClient, since: number, max = 3000) =>
    Promise.race([
      new Promise<number>((r) => client.once('close', () => r(Date.now() - since))),
      new Promise<number>((r) => setTimeout(r, max, -1)),
    ]);
  const online = async (client: MqttClient, id: string) => {
    await client.publishAsync(
      topics.state(id),
      JSON.stringify({
        ts: Date.now(),
        bootId: `boot-${id}-${Date.now()}`,
        seq: 0,
        state: 'online',
        agentVersion: '0.1.0-test',
        capabilities: ['reboot'],
      }),
      { qos: 1, retain: true },
    );
    await waitFor(() => server.fleet.state.get(id)?.state === 'online', 3000, `${id} online`);
  };

  it('a screen registered before (in the initial plugin file) logs in with its password', async () => {
    const pre = await connect('dyn-pre', preexistingPassword);
    await pre.endAsync();
    await expect(connect('dyn-pre', 'wrong-password')).rejects.toThrow();
  });

  it('a screen registered over REST connects at once and reaches the server', async () => {
    const password = await register('dyn-a');
    const a = await connect('dyn-a', password);
    await online(a, 'dyn-a');
    await a.endAsync();
  });

  it("a device cannot log in under another device's client id, nor the server's", async () => {
    const passwordA = await register('dyn-a2');
    const passwordB = await register('dyn-b2');
    const a = await connect('dyn-a2', passwordA);
    let aClosed = false;
    a.on('close', () => (aClosed = true));
    await expect(connect('dyn-b2', passwordB, 'dyn-a2')).rejects.toThrow();
    await expect(connect('dyn-b2', passwordB, 'marquee-server-main')).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 300));
    expect(aClosed).toBe(false);
    await online(a, 'dyn-a2');
    const health = await api<{ broker: boolean }>(server, 'GET', '/healthz');
    expect(health.body.broker).toBe(true);
    await a.endAsync();
  });

  it("refuses a screen id equal to the server's MQTT login", async () => {
    const res = await api<{ error: { message: string } }>(
      server,
      'POST',
      '/api/screens',
      { id: ADMIN.username, name: 'Impostor' },
      token,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain('reserved for the server');
  });

  it('rotate: the live session is cut, the old password refused, the new one works', async () => {
    const oldPassword = await register('dyn-rot');
    const device = await connect('dyn-rot', oldPassword);
    const started = Date.now();
    const closed = closedWithinMs(device, started);
    const res = await api<{ credentials: DeviceCredentials }>(
      server,
      'POST',
      '/api/screens/dyn-rot/credentials',
      undefined,
      token,
    );
    expect(res.status).toBe(200);
    const ms = await closed;
    console.log(`[dynsec] rotate → live session cut after ${ms} ms (${dbKind})`);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1000);
    await device.endAsync(true);
    await expect(connect('dyn-rot', oldPassword)).rejects.toThrow();
    const renewed = await connect('dyn-rot', res.body.credentials.password);
    await online(renewed, 'dyn-rot');
    await renewed.endAsync();
  });

  it('retire: the live session is cut within 1 s and the device cannot log in again', async () => {
    const password = await register('dyn-ret');
    const device = await connect('dyn-ret', password);
    await online(device, 'dyn-ret');
    const started = Date.now();
    const closed = closedWithinMs(device, started);
    const res = await api(server, 'DELETE', '/api/screens/dyn-ret', undefined, token);
    expect(res.status).toBe(200);
    const ms = await closed;
    console.log(`[dynsec] retire → live session cut after ${ms} ms (${dbKind})`);
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(ms).toBeLessThan(1000);
    await device.endAsync(true);
    await expect(connect('dyn-ret', password)).rejects.toThrow();
  });

  // Last: stops the broker.
  it('says so in a sentence when the broker cannot be told, and keeps serving', async () => {
    await register('dyn-down');
    await broker.stop();
    const res = await api<{ error: { code: string; message: string } }>(
      server,
      'POST',
      '/api/screens/dyn-down/credentials',
      undefined,
      token,
    );
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^The change to screen "dyn-down" is saved, but the MQTT broker could not be updated .*rotate the screen's credentials\) once the broker is reachable\.$/,
    );
    const list = await api<{ screens: unknown[] }>(server, 'GET', '/api/screens', undefined, token);
    expect(list.status).toBe(200);
  }, 15_000);
});
