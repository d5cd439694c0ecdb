/**
 * Screenshot uploads and reads against a real server (embedded broker), on SQLite and
 * PostgreSQL: the size cap holds before authentication (by Content-Length, answered at once
 * without reading the body, and by the bytes of a chunked body), a wrong device password or
 * another screen's credentials are refused, a non-image and a corrupt PNG are refused with a
 * sentence, images are scaled to the configured size, retention keeps the newest N and drops
 * the too old (files too), advertisers read only the screens they may see, and the per-tag
 * schedule asks a real agent for a screenshot that arrives marked `schedule`.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, ScreenshotList, ScreenshotMeta } from '../../protocol';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import { testDatabases } from '../../test/helpers/databases';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

const MAX_BYTES = 64 * 1024;

function png(width: number, height: number, rgb: [number, number, number]): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) p.data.set([...rgb, 255], i * 4);
  return PNG.sync.write(p);
}

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe.each(testDatabases())('screenshots (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  const creds: Record<string, string> = {};
  const agents: Agent[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-shots-'));

  beforeAll(async () => {
    server = await startTestServer(dbKind, {
      screenshotMaxBytes: MAX_BYTES,
      screenshotMaxSide: 200,
      screenshotsKeep: 3,
      screenshotMaxAgeDays: 3 / 86_400, // 3 s
      screenshotScheduleTickMs: 200,
    });
    token = (await login(server)).token;
    for (const [id, tags] of [
      ['shot-a', ['lobby']],
      ['shot-b', []],
      ['shot-sched', ['hourly']],
    ] as const) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: id, tags },
        token,
      );
      creds[id] = res.body.credentials.password;
    }
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const upload = (screenId: string, body: Buffer | string, auth?: string, extra = {}) =>
    fetch(`${server.url}/api/devices/${screenId}/screenshots`, {
      method: 'POST',
      headers: {
        'content-type': 'image/png',
        ...(auth ? { authorization: auth } : {}),
        ...extra,
      },
      body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
    });

  const list = async (screenId: string, t = token) =>
    (await api<ScreenshotList>(server, 'GET', `/api/screens/${screenId}/screenshots`, undefined, t))
      .body.screenshots;

  /** Sends headers only and waits for the answer, never sending the declared body. */
  function declareOnly(
    headers: Record<string, string>,
  ): Promise<{ status: number; body: string; connection?: string }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${server.url}/api/devices/shot-a/screenshots`, {
        method: 'POST',
        headers,
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, connection: res.headers.connection }),
        );
      });
      req.on('error', reject);
      req.flushHeaders();
    });
  }

  it('refuses a too-big Content-Length at once, before authentication, without reading it', async () => {
    const res = await declareOnly({
      'content-type': 'image/png',
      'content-length': String(MAX_BYTES + 1),
    });
    expect(res.status).toBe(413);
    expect(res.connection).toBe('close');
    expect(JSON.parse(res.body).error.message).toMatch(/at most 64 KB/);
    // The same with good credentials: the cap comes first either way.
    const authed = await declareOnly({
      'content-type': 'image/png',
      'content-length': String(50 * 1024 * 1024),
      authorization: basic('shot-a', creds['shot-a']!),
    });
    expect(authed.status).toBe(413);
    expect((await fetch(`${server.url}/healthz`)).status).toBeLessThan(600);
  });

  it('cuts off a chunked body at the cap', async () => {
    const big = Buffer.concat([png(10, 10, [1, 2, 3]), Buffer.alloc(MAX_BYTES)]);
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${server.url}/api/devices/shot-a/screenshots`, {
        method: 'POST',
        headers: {
          'content-type': 'image/png',
          'transfer-encoding': 'chunked',
          authorization: basic('shot-a', creds['shot-a']!),
        },
      });
      req.on('response', (r) => resolve(r.statusCode!));
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 8192) req.write(big.subarray(i, i + 8192));
      req.end();
    });
    expect(res).toBe(413);
    expect(await list('shot-a')).toEqual([]);
  });

  it("refuses a wrong password, another screen's credentials and no credentials", async () => {
    const image = png(20, 10, [200, 0, 0]);
    const wrong = await upload('shot-a', image, basic('shot-a', 'not-the-password'));
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toMatch(
      /credentials are not valid/,
    );
    expect((await upload('shot-a', image, basic('shot-b', creds['shot-b']!))).status).toBe(401);
    expect((await upload('shot-a', image)).status).toBe(401);
    // A user's session token is not a device's credentials.
    expect((await upload('shot-a', image, `Bearer ${token}`)).status).toBe(401);
    expect(await list('shot-a')).toEqual([]);
  });

  it('refuses what is not a PNG or JPEG, and a corrupt PNG, with a sentence', async () => {
    const auth = basic('shot-a', creds['shot-a']!);
    const text = await upload('shot-a', 'hello, not an image', auth);
    expect(text.status).toBe(415);
    expect(((await text.json()) as { error: { message: string } }).error.message).toBe(
      'A screenshot must be a PNG or JPEG image.',
    );
    const corrupt = Buffer.concat([png(4, 4, [0, 0, 0]).subarray(0, 20), Buffer.alloc(50, 7)]);
    const bad = await upload('shot-a', corrupt, auth);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /^The PNG could not be read/,
    );
    const header = await upload('shot-a', png(4, 4, [0, 0, 0]), auth, { 'x-captured-at': 'soon' });
    expect(header.status).toBe(400);
    expect(await list('shot-a')).toEqual([]);
  });

  it('stores, scales and serves the latest with its capture time; keeps the newest 3', async () => {
    const auth = basic('shot-a', creds['shot-a']!);
    const t0 = Date.now() - 10_000;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await upload('shot-a', png(400, 100, [i * 40, 100, 50]), auth, {
        'x-captured-at': String(t0 + i * 1000),
        'x-command-id': `cmd-${i}`,
      });
      expect(res.status).toBe(201);
      const { screenshot } = (await res.json()) as { screenshot: ScreenshotMeta };
      expect([screenshot.width, screenshot.height, screenshot.trigger]).toEqual([
        200,
        50,
        'command',
      ]);
      ids.push(screenshot.id);
    }
    const kept = await list('shot-a');
    expect(kept.map((s) => s.id)).toEqual(ids.slice(2).reverse());
    const files = fs.readdirSync(path.join(server.dataDir, 'screenshots', 'shot-a'));
    expect(files.sort()).toEqual(
      ids
        .slice(2)
        .map((id) => `${id}.png`)
        .sort(),
    );

    const latest = await fetch(`${server.url}/api/screens/shot-a/screenshot`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(latest.headers.get('content-type')).toBe('image/png');
    expect(latest.headers.get('x-captured-at')).toBe(String(t0 + 4000));
    expect(latest.headers.get('x-screenshot-id')).toBe(ids[4]);
    const decoded = PNG.sync.read(Buffer.from(await latest.arrayBuffer()));
    expect([decoded.width, decoded.height, decoded.data[0]]).toEqual([200, 50, 160]);
    const one = await fetch(`${server.url}/api/screens/shot-a/screenshots/${ids[2]}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(one.status).toBe(200);
    const gone = await api(
      server,
      'GET',
      `/api/screens/shot-a/screenshots/${ids[0]}`,
      undefined,
      token,
    );
    expect(gone.status).toBe(404);
  });

  it('drops screenshots older than the maximum age (row and file)', async () => {
    const auth = basic('shot-b', creds['shot-b']!);
    expect((await upload('shot-b', png(8, 8, [9, 9, 9]), auth)).status).toBe(201);
    await new Promise((r) => setTimeout(r, 3_200));
    expect((await upload('shot-b', png(8, 8, [99, 9, 9]), auth)).status).toBe(201);
    const kept = await list('shot-b');
    expect(kept).toHaveLength(1);
    expect(fs.readdirSync(path.join(server.dataDir, 'screenshots', 'shot-b'))).toEqual([
      `${kept[0]!.id}.png`,
    ]);
  });

  it('lets an advertiser read only the screens they may see', async () => {
    const ad = { email: `ad-${dbKind}@shots.test`, password: 'advertiser-pass-1', name: 'Ad' };
    const created = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...ad, role: 'advertiser' },
      token,
    );
    await api(
      server,
      'POST',
      '/api/admin/grants',
      { userId: created.body.user.id, screenIds: ['shot-a'] },
      token,
    );
    const adToken = (await login(server, ad)).token;
    expect((await list('shot-a', adToken)).length).toBe(3);
    const refused = await api<{ error: { message: string } }>(
      server,
      'GET',
      '/api/screens/shot-b/screenshot',
      undefined,
      adToken,
    );
    expect(refused.status).toBe(404);
    expect(refused.body.error.message).toBe('no screen "shot-b"');
    expect(
      (await api(server, 'GET', '/api/screens/shot-b/screenshots', undefined, adToken)).status,
    ).toBe(404);
    // Nor may they set schedules.
    expect(
      (await api(server, 'PUT', '/api/screenshot-schedules/lobby', { everyMinutes: 5 }, adToken))
        .status,
    ).toBe(403);
  });

  it('sends scheduled screenshots to the screens of a tag; the upload is marked schedule', async () => {
    const bad = await api<{ error: { message: string } }>(
      server,
      'PUT',
      '/api/screenshot-schedules/hourly',
      { everyMinutes: 0 },
      token,
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/at most every minute/);
    const config = parseConfig({
      screenId: 'shot-sched',
      broker: { url: server.mqttUrl, username: 'shot-sched', password: creds['shot-sched'] },
      httpUrl: server.url,
      dataDir: path.join(tmp, 'shot-sched'),
      player: { type: 'simulated', faultsPerHour: 0, rebootsPerDay: 0 },
    });
    const agent = await startAgent(config, { log: createLogger('error') });
    agents.push(agent);
    await agent.firstConnect;
    await waitFor(() => server.fleet.state.get('shot-sched')?.state === 'online', 10_000, 'online');
    const put = await api(
      server,
      'PUT',
      '/api/screenshot-schedules/hourly',
      { everyMinutes: 60 },
      token,
    );
    expect(put.status).toBe(200);
    const shots = await waitFor(
      async () => {
        const s = await list('shot-sched');
        return s.length ? s : null;
      },
      15_000,
      'the scheduled screenshot',
    );
    expect(shots[0]!.trigger).toBe('schedule');
    expect(shots[0]!.commandId).toMatch(/^shotsched-/);
    // The simulated player's picture: 480×270, scaled to fit 200.
    expect([shots[0]!.width, shots[0]!.height]).toEqual([200, 113]);
    // Not again within the hour, however often the schedule looks.
    await new Promise((r) => setTimeout(r, 800));
    expect(await list('shot-sched')).toHaveLength(1);
    const schedules = await api<{ schedules: { tag: string; everyMinutes: number }[] }>(
      server,
      'GET',
      '/api/screenshot-schedules',
      undefined,
      token,
    );
    expect(schedules.body.schedules).toEqual([
      expect.objectContaining({ tag: 'hourly', everyMinutes: 60 }),
    ]);
    expect(
      (await api(server, 'DELETE', '/api/screenshot-schedules/hourly', undefined, token)).status,
    ).toBe(200);
  }, 60_000);
});
