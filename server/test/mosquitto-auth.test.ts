/**
 * The password file and ACL the server writes for an external Mosquitto, tested against a real
 * Mosquitto started with them on a free port: a device gets in with its issued credentials,
 * publishes under its own id, and cannot publish or subscribe as another screen.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, type CreateScreenResponse } from '../../protocol';
import { writeMosquittoAuth } from '../../server/src/broker/mosquitto-auth';
import { api, login, startTestServer, type TestServer } from '../../test/helpers/server';

const MOSQUITTO = '/usr/sbin/mosquitto';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

describe('Mosquitto password file and ACL', () => {
  let server: TestServer;
  let broker: ChildProcess;
  let port: number;
  const creds: Record<string, string> = {};
  const serverLogin = { username: 'marquee-server', password: 'server-secret-123' };

  beforeAll(async () => {
    if (!fs.existsSync(MOSQUITTO))
      throw new Error(`Mosquitto is needed at ${MOSQUITTO} (apt-get install -y mosquitto)`);
    server = await startTestServer('sqlite');
    const { token } = await login(server);
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
    const dir = path.join(server.dataDir, 'mosquitto');
    const files = await writeMosquittoAuth(server.ctx.knex, dir, serverLogin);
    expect(files.devices).toBe(2);
    port = await freePort();
    const conf = path.join(dir, 'mosquitto.conf');
    fs.writeFileSync(
      conf,
      [
        `listener ${port} 127.0.0.1`,
        'allow_anonymous false',
        `password_file ${files.passwordFile}`,
        `acl_file ${files.aclFile}`,
        'persistence false',
        'set_tcp_nodelay true',
        '# Tests run as root: keep root so the 0600 password file stays readable.',
        'user root',
      ].join('\n') + '\n',
    );
    broker = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let brokerErr = '';
    broker.stderr!.on('data', (d: Buffer) => (brokerErr += d.toString()));
    for (let i = 0; i < 50; i++) {
      const ok = await new Promise<boolean>((r) =>
        net
          .connect(port, '127.0.0.1')
          .once('connect', function (this: net.Socket) {
            this.destroy();
            r(true);
          })
          .once('error', () => r(false)),
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
      if (broker.exitCode !== null) throw new Error(`mosquitto exited: ${brokerErr}`);
    }
  });
  afterAll(async () => {
    broker?.kill();
    await server?.stop();
  });

  const url = () => `mqtt://127.0.0.1:${port}`;

  it('lets a device in with its credentials and refuses a wrong password', async () => {
    const ok = await mqtt.connectAsync(url(), {
      clientId: 'mq-a',
      username: 'mq-a',
      password: creds['mq-a'],
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
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

    const a = await mqtt.connectAsync(url(), {
      clientId: 'mq-a',
      username: 'mq-a',
      password: creds['mq-a'],
      protocolVersion: 5,
      reconnectPeriod: 0,
    });
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
});
