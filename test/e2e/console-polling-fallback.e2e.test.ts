/**
 * Where WebSockets fail (a proxy that strips or refuses `Upgrade`), the console falls back to
 * HTTP long-polling: a real server behind a small HTTP proxy that refuses every upgrade; the
 * console core signs in through it, syncs, receives live changes and sends its outbox, and
 * reports `polling` as its transport.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { ConsoleCore } from '../../desktop/src/core/console-core';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser } from '../helpers/browser';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { MemoryTokenStore } from '../../desktop/src/core/token-store';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';

/** Forwards plain HTTP to `target`; answers every `Upgrade` with 403, as such proxies do. */
async function upgradeRefusingProxy(target: string) {
  const to = new URL(target);
  let refusedUpgrades = 0;
  const proxy = http.createServer((req, res) => {
    const upstream = http.request(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: to.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  proxy.on('upgrade', (_req, socket) => {
    refusedUpgrades += 1;
    socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    refusedUpgrades: () => refusedUpgrades,
    close: () =>
      new Promise<void>((r) => {
        proxy.closeAllConnections();
        proxy.close(() => r());
      }),
  };
}

const poll = { timeout: 15_000, interval: 50 };

describe('the console behind a proxy that refuses WebSocket upgrades', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof upgradeRefusingProxy>>;
  let core: ConsoleCore;
  let conversationId: string;

  beforeAll(async () => {
    server = await startTestServer();
    proxy = await upgradeRefusingProxy(server.url);
    const { token } = await login(server);
    await api(server, 'POST', '/api/screens', { id: 'poll-1', name: 'Dock Gate' }, token);
    const other = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { email: 'pat@adverts.test', password: 'pat-advertiser-1', name: 'Pat', role: 'advertiser' },
      token,
    );
    const conv = await api<{ conversation: { id: string } }>(
      server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [other.body.user.id], title: 'Polling' },
      token,
    );
    conversationId = conv.body.conversation.id;
    core = new ConsoleCore(new ConsoleCache(':memory:'), new MemoryTokenStore());
  });
  afterAll(async () => {
    core?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('connects, syncs and stays live over long-polling, and says so', async () => {
    await core.invoke('signIn', { serverUrl: proxy.url, ...ADMIN });
    await expect.poll(() => core.connection.status, poll).toBe('live');
    expect(core.connection.transport).toBe('polling');
    expect(proxy.refusedUpgrades()).toBeGreaterThan(0);
    expect(core.cache.screens().map((s) => s.id)).toContain('poll-1');

    // Live changes arrive over polling too: a screen registered now shows up without a sync.
    const { token } = await login(server);
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'poll-2', name: 'Quay Side' },
      token,
    );
    expect(created.status).toBe(201);
    await expect.poll(() => core.cache.screens().some((s) => s.id === 'poll-2'), poll).toBe(true);

    // And the outbox goes out over it.
    await core.invoke('sendMessage', { conversationId, body: 'sent over long-polling' });
    const stored = () =>
      server.ctx.knex('messages').where({ body: 'sent over long-polling' }).count({ n: '*' });
    await expect.poll(async () => Number((await stored())[0]!.n), poll).toBe(1);
    expect(core.connection.transport).toBe('polling');
    expect(core.connection.status).toBe('live');
  });

  it('shows the transport in the indicator and in Diagnostics (Chromium)', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-polling-'));
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    const host = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'c'), rendererDir });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(host.url);
      await page.getByTestId('signin-server').fill(proxy.url);
      await page.getByTestId('signin-email').fill(ADMIN.email);
      await page.getByTestId('signin-password').fill(ADMIN.password);
      await page.getByTestId('signin-submit').click();
      const indicator = page.getByTestId('connection-indicator');
      await expect.poll(() => indicator.getAttribute('data-status'), poll).toBe('live');
      expect(await indicator.getAttribute('data-transport')).toBe('polling');
      expect(await indicator.innerText()).toMatch(/Live \(long-polling\)/);
      expect(await indicator.getAttribute('title')).toMatch(/via HTTP long-polling/);
      await page.getByTestId('nav-diagnostics').click();
      expect(await page.getByTestId('diag-transport').innerText()).toBe('HTTP long-polling');
    } finally {
      await browser.close();
      await host.close();
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }, 60_000);
});
