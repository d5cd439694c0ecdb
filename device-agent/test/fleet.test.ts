/**
 * The fleet provisions its screens through the server's REST contract (login, create, or rotate
 * credentials on 409) and runs one agent per screen with the issued credentials. The server
 * here is a small stand-in implementing exactly that contract; the broker is a real Aedes that
 * refuses unknown credentials.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateScreenRequest, StatePayload, topics } from '../../protocol';
import { startFleet } from '../src/fleet';
import { startAedes } from './helpers/brokers';
import { tempDir } from './helpers/tmp';
import { until } from './helpers/until';

const ADMIN = { email: 'admin@marquee.local', password: 'marquee-admin' };

function body(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => resolve(text ? JSON.parse(text) : null));
  });
}

describe('fleet', () => {
  const passwords = new Map<string, string>([['fleet-0001', 'stale-password']]);
  const created: unknown[] = [];
  let server: ReturnType<typeof createServer>;
  let serverUrl: string;
  let broker: Awaited<ReturnType<typeof startAedes>>;

  beforeAll(async () => {
    broker = await startAedes({
      authenticate: (_client, username, password, done) =>
        done(null, username !== undefined && passwords.get(username) === password?.toString()),
    });
    server = createServer((req, res) => {
      void (async () => {
        const json = (status: number, payload: unknown) => {
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(payload));
        };
        const data = await body(req);
        if (req.url === '/api/auth/login') {
          const ok = (data as typeof ADMIN).password === ADMIN.password;
          return ok
            ? json(200, { token: 'tok', user: {} })
            : json(401, { error: { code: 'auth', message: 'bad' } });
        }
        if (req.headers.authorization !== 'Bearer tok')
          return json(401, { error: { code: 'auth', message: 'no' } });
        const rotate = /^\/api\/screens\/([^/]+)\/credentials$/.exec(req.url ?? '');
        const issue = (id: string) => {
          const password = randomBytes(8).toString('hex');
          passwords.set(id, password);
          return { username: id, password };
        };
        if (rotate) return json(200, { credentials: issue(rotate[1]!) });
        if (req.url === '/api/screens') {
          const screen = CreateScreenRequest.parse(data);
          if (passwords.has(screen.id!))
            return json(409, { error: { code: 'conflict', message: 'exists' } });
          created.push(screen);
          return json(201, { screen, credentials: issue(screen.id!) });
        }
        json(404, { error: { code: 'not_found', message: req.url } });
      })();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await broker.close();
  });

  it('provisions screens (new and existing) and brings every agent online', async () => {
    // The test's own client needs credentials on this broker too.
    passwords.set('observer', 'observer-pw');
    const watcher = await mqtt.connectAsync(broker.url, {
      username: 'observer',
      password: 'observer-pw',
      reconnectPeriod: 0,
    });
    const states = new Map<string, string>();
    watcher.on('message', (topic, payload) => {
      const state = StatePayload.safeParse(JSON.parse(payload.toString()));
      if (state.success) states.set(topic, state.data.state);
    });
    await watcher.subscribeAsync('marquee/v1/screens/+/state', { qos: 1 });

    const fleet = await startFleet({
      serverUrl,
      ...ADMIN,
      count: 3,
      brokerUrl: broker.url,
      dataDir: tempDir('fleet'),
      idPrefix: 'fleet',
      willDelayS: 0,
    });
    expect(fleet.screenIds).toEqual(['fleet-0001', 'fleet-0002', 'fleet-0003']);
    // fleet-0001 existed: its credentials were rotated rather than created.
    expect(created.map((s) => (s as { id: string }).id)).toEqual(['fleet-0002', 'fleet-0003']);
    for (const screen of created as Array<{ name: string; address: string; tags: string[] }>) {
      expect(screen.name.length).toBeGreaterThan(5);
      expect(screen.address).toMatch(/\d/);
      expect(screen.tags.some((t) => t.startsWith('region:'))).toBe(true);
    }
    await until(
      () => fleet.screenIds.every((id) => states.get(topics.state(id)) === 'online'),
      'every fleet screen online',
    );
    await fleet.stop();
    await until(
      () => fleet.screenIds.every((id) => states.get(topics.state(id)) === 'offline'),
      'every fleet screen offline after stop',
    );
    await watcher.endAsync();
  });
});
