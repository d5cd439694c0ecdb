/**
 * Uptime reports in Chromium (issue 13), against a real server whose history is scripted
 * through the real broker and ingest (devices sending states with controlled times; the
 * server's clock set for the `lost` it stamps itself): an operator opens Reports, chooses the
 * last 24 h and a tag, reads the figures, sees the chart drawn on its canvas and the screens
 * worst first, and exports the CSV. An offline console says reports need the server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { connectDevice, type FakeDevice } from '../helpers/device';
import { api, login, startTestServer, waitFor, type TestServer } from '../helpers/server';
import { startTcpProxy } from '../helpers/tcp-proxy';

const OPERATOR = { email: 'uma@ops.test', password: 'uma-operator-12', name: 'Uma Ops' };
const poll = { timeout: 20_000, interval: 100 };
const H = 3600_000;
const M = 60_000;
const DAY = 24 * H;

describe('uptime report in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-uptime-e2e-'));
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const devices: FakeDevice[] = [];
  let clock = 0;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    const adminToken = (await login(server)).token;
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    (server.fleet.state as unknown as { now: () => number }).now = () => clock;

    // Every change lies well inside the last 24 h, and every screen was online before it, so
    // the figures do not depend on the second the report is asked for.
    const now = Date.now();
    let rows = 0;
    const script = async (
      id: string,
      tags: string[],
      steps: ['online' | 'offline' | 'lost', number][],
    ) => {
      const created = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Pier ${id.slice(-1).toUpperCase()}`, tags },
        adminToken,
      );
      const d = await connectDevice(server.mqttUrl, id, created.body.credentials.password, {
        will: false,
      });
      devices.push(d);
      for (const [state, ts] of steps) {
        clock = ts;
        await d.publishState(state, { ts });
        rows += 1;
        const expected = rows;
        await waitFor(
          async () => (await server.ctx.knex('screen_state_history')).length === expected,
          5000,
          `${id} ${state}`,
        );
      }
    };
    // A: offline 30 min, lost 6 min → 97.5 %; B: lost 2 h → 91.667 %; C elsewhere, always up.
    await script(
      'pier-a',
      ['harbour'],
      [
        ['online', now - 31 * DAY],
        ['offline', now - 10 * H],
        ['online', now - 10 * H + 30 * M],
        ['lost', now - 8 * H],
        ['online', now - 8 * H + 6 * M],
      ],
    );
    await script(
      'pier-b',
      ['harbour'],
      [
        ['online', now - 31 * DAY],
        ['lost', now - 3 * H],
        ['online', now - 1 * H],
      ],
    );
    await script('pier-c', ['inland'], [['online', now - 31 * DAY]]);
    clock = Date.now();

    host = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'op'), rendererDir });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    for (const d of devices) await d.end().catch(() => undefined);
    await browser?.close();
    await host?.close();
    await proxy?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const status = () => page.getByTestId('connection-indicator').getAttribute('data-status');
  const text = (testId: string) => page.getByTestId(testId).innerText();

  /** Pixels of the chart's canvas that are not transparent (the chart drew something). */
  const paintedPixels = () =>
    page.evaluate(() => {
      const canvas = document.querySelector<HTMLCanvasElement>(
        '[data-testid="uptime-chart"] canvas',
      );
      if (!canvas || canvas.width === 0) return 0;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
      return painted;
    });

  it('shows an operator the last 24 h of a tag: figures, chart, screens worst first, CSV', async () => {
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(proxy.url);
    await page.getByTestId('signin-email').fill(OPERATOR.email);
    await page.getByTestId('signin-password').fill(OPERATOR.password);
    await page.getByTestId('signin-submit').click();
    await expect.poll(status, poll).toBe('live');

    await page.getByTestId('nav-reports').click();
    await page.getByTestId('uptime-range-24h').click();
    // The whole fleet first: A, B and C.
    await expect.poll(() => text('uptime-fleet-pct'), poll).toBe('96.389 %');
    await expect
      .poll(() => page.getByTestId('uptime-tag').locator('option').allInnerTexts(), poll)
      .toEqual(['All tags', 'harbour', 'inland']);
    await page.getByTestId('uptime-tag').selectOption('harbour');

    await expect.poll(() => text('uptime-fleet-pct'), poll).toBe('94.583 %');
    expect(await text('uptime-fleet-outages')).toBe('3');
    expect(await text('uptime-range-figure')).toMatch(/2 of 2 screens monitored/);
    expect(await text('uptime-headline-24h')).toMatch(/94\.583 %/);
    // The same 2 h 36 min of outages over 7 and over 30 days of the two screens.
    expect(await text('uptime-headline-7d')).toMatch(/99\.226 %/);
    expect(await text('uptime-headline-30d')).toMatch(/99\.819 %/);

    const rows = page.getByTestId('uptime-row');
    expect(
      await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-screen-id'))),
    ).toEqual(['pier-b', 'pier-a']);
    expect(await rows.getByTestId('uptime-pct').allInnerTexts()).toEqual(['91.667 %', '97.5 %']);
    expect(await rows.getByTestId('uptime-outages').allInnerTexts()).toEqual(['1', '2']);
    expect(await rows.first().innerText()).toMatch(/2 h/);

    // The chart: one bar per hour, drawn on the canvas.
    expect(await page.getByTestId('uptime-chart').getAttribute('data-buckets')).toBe('24');
    await expect.poll(paintedPixels, poll).toBeGreaterThan(2000);
    await page.screenshot({ path: screenshotPath('uptime-report') });
    await page.screenshot({ path: '/tmp/uptime-report.png', fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByTestId('uptime-export').click();
    const file = await (await download).path();
    const lines = fs.readFileSync(file, 'utf8').trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^screen_id,name,tags,uptime_pct,/);
    expect(lines[1]).toMatch(/^pier-b,Pier B,harbour,91\.667,86400,79200,7200,1,7200,/);
    expect(lines[2]).toMatch(/^pier-a,Pier A,harbour,97\.5,86400,84240,2160,2,1800,/);
    expect(lines[3]).toMatch(/^TOTAL,2 screens \(2 monitored\),harbour,94\.583,172800,/);
  }, 90_000);

  it('says reports need the server while the console is offline', async () => {
    proxy.unplug();
    await expect.poll(status, poll).not.toBe('live');
    await expect.poll(() => text('reports-offline'), poll).toMatch(/^Reports need the server/);
    expect(await page.getByTestId('uptime-export').isDisabled()).toBe(true);
    proxy.plug();
    await expect.poll(status, { timeout: 30_000, interval: 100 }).toBe('live');
    await expect.poll(() => page.getByTestId('uptime-row').count(), poll).toBeGreaterThan(0);
  });
});
