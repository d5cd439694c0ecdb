/**
 * The password file and ACL the server writes for an external Mosquitto, tested against a real
 * Mosquitto started with the shipped configuration (resources/mosquitto/marquee.conf) on a free
 * port: a device gets in with its issued credentials, publishes under its own id, cannot
 * publish or subscribe as another screen, and cannot take over another device's client id or
 * the server's.
 */
import path from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, topics, type CreateScreenResponse } from '../../protocol';
import { writeMosquittoAuth } from '../../server/src/broker/mosquitto-auth';
import { createScreen } from '../../server/src/fleet/screens-repo';
import { api, login, startTestServer, type TestServer } from '../../test/helpers/server';
import { startMosquitto, type MosquittoProcess } from '../../test/helpers/mosquitto-process';

describe('Mosquitto password file and ACL', () => {
  let server: TestServer;
  let broker: MosquittoProcess;
  let token: string;
  let dir: string;
  const creds: Record<string, string> = {};
  const serverLogin = { username: 'marquee-server', password: 'server-secret-123' };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    ({ token } = await login(server));
    for (const id of ['mq-a', 'mq-b']) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: id },
        token,
      );
      creds[id] = res.body.credentials.password;
    }
    // A row from before reserved ids were refused must not become a login.
    await createScreen(server.ctx.knex, { id: 'marquee-server-old', name: 'old', tags: [] });
    dir = path.join(server.dataDir, 'mosquitto');
    const files = await writeMosquittoAuth(server.ctx.knex, dir, serverLogin);
    expect(files.devices).toBe(2);
    broker = await startMosquitto('marquee.conf', dir, {
      password_file: `password_file ${files.passwordFile}`,
      acl_file: `acl_file ${files.aclFile}`,
    });
  });
  afterAll(async () => {
    await broker?.stop();
    await server?.stop();
  });

  const url = () => broker.url;
  const device = (id: string, clientId = id) =>
    mqtt.connectAsync(url(), {
      clientId,
      username: id,
      password: creds[id],
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
  /** Collects 'close' events: a kicked client closes. */
  const closes = (client: MqttClient) => {
    const seen: number[] = [];
    client.on('close', () => seen.push(Date.now()));
    return seen;
  };

  it('lets a device in with its credentials and refuses a wrong password', async () => {
    const ok = await device('mq-a');
    await ok.endAsync();
    await expect(
      mqtt.connectAsync(url(), {
        clientId: 'mq-a',
        username: 'mq-a',
        password: 'wrong',
        protocolVersion: 5,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
  });

  it('confines a device to its own topics', async () => {
    const serverClient = await mqtt.connectAsync(url(), {
      ...serverLogin,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    await serverClient.subscribeAsync('marquee/v1/screens/+/state', { qos: 1 });
    const got: string[] = [];
    serverClient.on('message', (topic) => got.push(topic));

    const a = await device('mq-a');
    await a.publishAsync(topics.state('mq-a'), '{"own":true}', { qos: 1 });
    // Mosquitto answers a publish the ACL denies with "not authorized" (MQTT 5) and drops it.
    await a
      .publishAsync(topics.state('mq-b'), '{"forged":true}', { qos: 1 })
      .catch(() => undefined);
    // Subscribing to another screen's commands may be granted, but nothing of it is delivered.
    await a.subscribeAsync(topics.commandWildcard('mq-b'), { qos: 1 });
    await a.subscribeAsync(topics.commandWildcard('mq-a'), { qos: 1 });
    const commandsSeen: string[] = [];
    a.on('message', (topic) => commandsSeen.push(topic));
    await serverClient.publishAsync(topics.command('mq-b', 'for-b'), '{}', { qos: 1 });
    await serverClient.publishAsync(topics.command('mq-a', 'for-a'), '{}', { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([topics.state('mq-a')]);
    expect(commandsSeen).toEqual([topics.command('mq-a', 'for-a')]);
    await a.endAsync();
    await serverClient.endAsync();
  });

  it('lets a device read its own retained desired state only, and never write it', async () => {
    const serverClient = await mqtt.connectAsync(url(), {
      ...serverLogin,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    await serverClient.publishAsync(topics.desired('mq-a'), '{"for":"a"}', {
      qos: 1,
      retain: true,
    });
    await serverClient.publishAsync(topics.desired('mq-b'), '{"for":"b"}', {
      qos: 1,
      retain: true,
    });
    const a = await device('mq-a');
    const seen: string[] = [];
    a.on('message', (topic, payload) => seen.push(`${topic} ${payload.toString()}`));
    await a.subscribeAsync(topics.desired('mq-a'), { qos: 1 });
    await a.subscribeAsync(topics.desired('mq-b'), { qos: 1 }).catch(() => undefined);
    await a
      .publishAsync(topics.desired('mq-a'), '{"forged":true}', { qos: 1, retain: true })
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen).toEqual([`${topics.desired('mq-a')} {"for":"a"}`]);
    // The retained copy is still the server's.
    const again = await device('mq-a', 'mq-a');
    const retained = new Promise<string>((r) => again.once('message', (_t, p) => r(p.toString())));
    await again.subscribeAsync(topics.desired('mq-a'), { qos: 1 });
    expect(await retained).toBe('{"for":"a"}');
    for (const id of ['mq-a', 'mq-b'])
      await serverClient.publishAsync(topics.desired(id), '', { qos: 1, retain: true });
    await again.endAsync();
    await a.endAsync(true);
    await serverClient.endAsync();
  });

  it("a device cannot take over another device's client id nor the server's", async () => {
    const serverClient = await mqtt.connectAsync(url(), {
      ...serverLogin,
      clientId: 'marquee-server-main',
      clean: false,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    await serverClient.subscribeAsync('marquee/v1/screens/+/telemetry', { qos: 1 });
    const serverGot: string[] = [];
    serverClient.on('message', (_topic, payload) => serverGot.push(payload.toString()));
    const serverCloses = closes(serverClient);
    const a = await device('mq-a');
    const aCloses = closes(a);

    // B asks for A's client id, then for the server's: it gets in, as itself only.
    const asA = await device('mq-b', 'mq-a');
    await new Promise((r) => setTimeout(r, 300));
    const asServer = await device('mq-b', 'marquee-server-main');
    await new Promise((r) => setTimeout(r, 300));
    expect(aCloses).toEqual([]);
    expect(serverCloses).toEqual([]);

    // Both are still live: A's telemetry reaches the server.
    await a.publishAsync(topics.telemetry('mq-a'), 'still-a', { qos: 1 });
    await new Promise((r) => setTimeout(r, 200));
    expect(serverGot).toContain('still-a');
    await asA.endAsync(true);
    await asServer.endAsync(true);
    await a.endAsync();
    await serverClient.endAsync();
  });

  it('drops a device payload over the ingest limit before it is retained or forwarded', async () => {
    const serverClient = await mqtt.connectAsync(url(), {
      ...serverLogin,
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    const got: number[] = [];
    serverClient.on('message', (_t, payload) => got.push(payload.length));
    await serverClient.subscribeAsync(topics.state('mq-b'), { qos: 1 });
    // MQTT 3.1.1: the broker completes the QoS flow (a plain PUBACK) and drops the message.
    // (On MQTT 5 it answers reason code 149, which mqtt.js 5 does not accept as a PUBACK.)
    const b = await mqtt.connectAsync(url(), {
      clientId: 'mq-b',
      username: 'mq-b',
      password: creds['mq-b'],
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    await b.publishAsync(topics.state('mq-b'), '{"small":true}', { qos: 1, retain: true });
    await b.publishAsync(topics.state('mq-b'), 'x'.repeat(MAX_PAYLOAD_BYTES + 1), {
      qos: 1,
      retain: true,
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(got).toEqual([14]);
    const late = await mqtt.connectAsync(url(), {
      ...serverLogin,
      clientId: 'marquee-server-late',
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
    const retained: number[] = [];
    late.on('message', (_t, payload) => retained.push(payload.length));
    await late.subscribeAsync(topics.state('mq-b'), { qos: 1 });
    await new Promise((r) => setTimeout(r, 300));
    expect(retained).toEqual([14]);
    await late.endAsync();
    await b.endAsync();
    await serverClient.endAsync();
  });

  it('rotated credentials cut the live session once the files are rewritten and Mosquitto reloaded', async () => {
    const a = await device('mq-a');
    const closed = new Promise<number>((r) => a.once('close', () => r(Date.now())));
    const res = await api<{ credentials: { password: string } }>(
      server,
      'POST',
      '/api/screens/mq-a/credentials',
      undefined,
      token,
    );
    expect(res.status).toBe(200);
    const old = creds['mq-a']!;
    creds['mq-a'] = res.body.credentials.password;
    await writeMosquittoAuth(server.ctx.knex, dir, serverLogin);
    const reloaded = Date.now();
    await broker.reload();
    const cutMs = (await closed) - reloaded;
    console.log(`[mosquitto] rotate + rewrite + SIGHUP → old session cut after ${cutMs} ms`);
    expect(cutMs).toBeLessThan(1000);
    await a.endAsync(true);
    await expect(
      mqtt.connectAsync(url(), {
        clientId: 'mq-a',
        username: 'mq-a',
        password: old,
        protocolVersion: 5,
        reconnectPeriod: 0,
      }),
    ).rejects.toThrow();
    const renewed = await device('mq-a');
    await renewed.endAsync();
  });
});
