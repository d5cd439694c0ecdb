/**
 * Hardening (issue 10), the smaller items: an unknown Content-Encoding is a 415 with a
 * sentence (no stack, no 500); sockets per user are capped and the event rate limit is per
 * user, not per socket; /metrics is exposed only as configured. Real server, real HTTP, real
 * socket.io-client.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  connectSocket,
  emitAck,
  login,
  startTestServer,
  type ConsoleSocket,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';

type Ack = { ok: boolean; error?: { code: string; message: string } };

describe('HTTP and socket limits', () => {
  let server: TestServer;
  let token: string;
  const open: ConsoleSocket[] = [];
  beforeAll(async () => {
    server = await startTestServer('sqlite');
    token = (await login(server)).token;
  });
  afterEach(async () => {
    for (const s of open.splice(0)) s.close();
    await waitFor(() => server.ctx.io.of('/').sockets.size === 0, 2000, 'sockets to close');
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('an unknown Content-Encoding answers 415 with a sentence, and the server keeps serving', async () => {
    const res = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'x-compress-9' },
      body: '{"email":"a@b.c","password":"x"}',
    });
    const text = await res.text();
    expect(res.status).toBe(415);
    const body = JSON.parse(text) as { error: { code: string; message: string } };
    expect(body.error.message).toMatch(/Content-Encoding "x-compress-9" is not supported/);
    expect(text).not.toMatch(/\bat \S+ \(|node_modules|Error:/);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('caps concurrent sockets per user at 8 (the 9th is refused with a sentence)', async () => {
    for (let i = 0; i < 8; i++) open.push(await connectSocket(server, token));
    const ninth = connectSocket(server, token);
    await expect(ninth).rejects.toThrow(
      /too_many_connections: this account already has 8 consoles/,
    );
    // One closes: a new one may connect.
    open.pop()!.close();
    await new Promise((r) => setTimeout(r, 100));
    open.push(await connectSocket(server, token));
  });

  it('the event rate limit is per user: more sockets bring no more budget', async () => {
    const sockets: ConsoleSocket[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await connectSocket(server, token));
    open.push(...sockets);
    // 4 × 100 cheap events at once: per socket (burst 200 each) none would be refused.
    const acks = await Promise.all(
      sockets.flatMap((s) =>
        Array.from({ length: 100 }, () => emitAck<Ack>(s, 'leaveRoom', { room: 'fleet' })),
      ),
    );
    const limited = acks.filter((a) => !a.ok && a.error?.code === 'rate_limited').length;
    // Burst 200 for the user plus 50/s refill while the 400 were in flight.
    expect(limited).toBeGreaterThanOrEqual(150);
    expect(acks.filter((a) => a.ok).length).toBeGreaterThanOrEqual(200);
    console.log(`[rate] 400 events over 4 sockets of one user: ${limited} refused as rate_limited`);
  });
});

describe('/metrics exposure', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });
  const scrape = (headers: Record<string, string> = {}) =>
    fetch(`${server!.url}/metrics`, { headers }).then(async (r) => ({
      status: r.status,
      text: await r.text(),
    }));

  it('default: this machine only — a request forwarded by a proxy is refused', async () => {
    server = await startTestServer('sqlite');
    const local = await scrape();
    expect(local.status).toBe(200);
    expect(local.text).toContain('marquee_consoles_connected');
    const proxied = await scrape({ 'x-forwarded-for': '203.0.113.9' });
    expect(proxied.status).toBe(403);
    expect(proxied.text).toMatch(/only to this machine; set METRICS=token or METRICS=public/);
    expect(proxied.text).not.toContain('marquee_');
  });

  it('METRICS=token: a bearer token is required', async () => {
    const secret = 'scrape-secret-0123456789';
    server = await startTestServer('sqlite', { metrics: 'token', metricsToken: secret });
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong-secret-0123456789' })).status).toBe(401);
    const ok = await scrape({ authorization: `Bearer ${secret}` });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('marquee_consoles_connected');
  });

  it('METRICS=off: not served; METRICS=public: served to anybody', async () => {
    server = await startTestServer('sqlite', { metrics: 'off' });
    expect((await scrape()).status).toBe(404);
    await server.stop();
    server = await startTestServer('sqlite', { metrics: 'public' });
    expect((await scrape({ 'x-forwarded-for': '203.0.113.9' })).status).toBe(200);
  });

  it('METRICS=token without a token is a configuration error at start', async () => {
    await expect(startTestServer('sqlite', { metrics: 'token' })).rejects.toThrow(
      /METRICS=token needs METRICS_TOKEN/,
    );
  });
});
