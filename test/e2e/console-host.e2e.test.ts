/**
 * The browser host and the page's WebSocket client in Chromium, no server needed: the page
 * opens from the cache over one WebSocket (the one early-connect.js opened before the bundle
 * ran), and a host restarted under an open tab gives the page its current state.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Screen, User } from '../../protocol';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { freeLocalPort } from '../helpers/server';
import { launchBrowser } from '../helpers/browser';

const poll = { timeout: 15_000, interval: 100 };
const USER: User = {
  id: 'u-1',
  email: 'op@example.test',
  name: 'Olga Operator',
  role: 'operator',
};

const screen = (i: number, name: string): Screen => ({
  id: `h-${i}`,
  name,
  address: null,
  lat: null,
  lng: null,
  tags: [],
  retired: false,
  state: 'online',
  stateSince: Date.now(),
  lastSeen: Date.now(),
  agentVersion: '1.0.0',
  capabilities: [],
  telemetry: null,
  rev: i,
});

describe('the browser host', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-host-e2e-'));
  const dataDir = path.join(tmp, 'console');
  const cacheFile = path.join(dataDir, 'console-cache.db');
  let rendererDir: string;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  const start = async (port = 0) => {
    host = await startConsoleHost({ port, dataDir, rendererDir });
  };

  beforeAll(async () => {
    rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    fs.mkdirSync(dataDir, { recursive: true });
    // Signed in earlier; the server is a closed loopback port, so everything comes from the cache.
    const cache = new ConsoleCache(cacheFile);
    cache.setMeta({ serverUrl: `http://127.0.0.1:${await freeLocalPort()}`, user: USER });
    cache.upsertScreens([screen(1, 'Harbour Front'), screen(2, 'Station Hall')]);
    cache.close();
    fs.writeFileSync(path.join(dataDir, 'session-token'), 'a-token');
    await start();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('opens from the cache over the one WebSocket opened before the bundle ran', async () => {
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${host.url}/#/fleet`);
    const tiles = page.getByTestId('screen-tile');
    await expect.poll(() => tiles.count(), poll).toBe(2);
    expect(sockets).toEqual([`${host.url.replace('http', 'ws')}/console-api`]);
  });

  it('shows what a restarted host has without reloading the page', async () => {
    const port = host.port;
    await host.close();
    // While the host is down, its cache learns of a third screen (as from a sync).
    const cache = new ConsoleCache(cacheFile);
    cache.upsertScreens([screen(3, 'Market Square')]);
    cache.close();
    await start(port);
    await expect.poll(() => page.getByTestId('screen-tile').count(), poll).toBe(3);
    await expect.poll(() => page.getByText('Market Square').count(), poll).toBeGreaterThan(0);
  });
});
