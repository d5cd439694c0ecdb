/**
 * Issue 13 in Chromium: an operator opens a screen, presses "Take screenshot" and sees the
 * picture the simulated player really rendered (its PNG, uploaded by the agent over HTTP with
 * its device credentials) with its capture time; a second one joins the list of older ones and
 * an older one can be picked. An advertiser who sees the screen sees the picture but is not
 * offered the button. Real server (embedded broker, SQLite), real agent, browser host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import { launchBrowser } from '../helpers/browser';
import { api, login, startTestServer, type TestServer } from '../helpers/server';
import { signInThroughForm } from '../helpers/console-sign-in';

const OPERATOR = { email: 'sam@ops.test', password: 'sam-operator-1', name: 'Sam Operator' };
const ADVERTISER = { email: 'ava@ads.test', password: 'ava-advertiser-1', name: 'Ava Ads' };
const SCREEN = 'pier-7';

describe('screenshots in the console (Chromium)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-shots-e2e-'));
  let server: TestServer;
  let agent: Agent;
  const hosts: ConsoleHost[] = [];
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let op: Page;
  let ad: Page;

  const signIn = (page: Page, host: ConsoleHost, email: string, password: string) =>
    signInThroughForm(page, host.url, server.url, { email, password });

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    const adminToken = (await login(server)).token;
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: SCREEN, name: 'Pier 7' },
      adminToken,
    );
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    const advertiser = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...ADVERTISER, role: 'advertiser' },
      adminToken,
    );
    await api(
      server,
      'POST',
      '/api/admin/grants',
      { userId: advertiser.body.user.id, screenIds: [SCREEN] },
      adminToken,
    );
    agent = await startAgent(
      parseConfig({
        screenId: SCREEN,
        broker: {
          url: server.mqttUrl,
          username: SCREEN,
          password: created.body.credentials.password,
        },
        httpUrl: server.url,
        dataDir: path.join(tmp, 'agent'),
        player: { type: 'simulated', faultsPerHour: 0, rebootsPerDay: 0 },
      }),
      { log: createLogger('error') },
    );
    await agent.firstConnect;
    for (const who of ['op', 'ad'])
      hosts.push(await startConsoleHost({ port: 0, dataDir: path.join(tmp, who), rendererDir }));
    browser = await launchBrowser();
    op = await browser.context.newPage();
    ad = await browser.context.newPage();
    await signIn(op, hosts[0]!, OPERATOR.email, OPERATOR.password);
    await signIn(ad, hosts[1]!, ADVERTISER.email, ADVERTISER.password);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop().catch(() => undefined);
    for (const h of hosts) await h.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  /** The image the page shows, decoded: its size and how many colours it has. */
  async function shownPicture(page: Page) {
    const src = await page.getByTestId('screenshot-image').getAttribute('src');
    expect(src).toMatch(/^data:image\/png;base64,/);
    const png = PNG.sync.read(Buffer.from(src!.split(',')[1]!, 'base64'));
    const colours = new Set<number>();
    for (let i = 0; i < png.data.length; i += 4 * 13)
      colours.add((png.data[i]! << 16) | (png.data[i + 1]! << 8) | png.data[i + 2]!);
    return { width: png.width, height: png.height, colours: colours.size };
  }

  it('an operator takes a screenshot and sees the rendered picture with its capture time', async () => {
    await op.goto(`${hosts[0]!.url}/#/screens/${SCREEN}`);
    await op.getByTestId('screenshots-empty').waitFor({ timeout: 15_000 });
    const before = Date.now();
    await op.getByTestId('take-screenshot').click();
    await op.getByTestId('screenshot-image').waitFor({ timeout: 30_000 });
    const picture = await shownPicture(op);
    // The simulated player's 480×270 frame: its campaign colour, text and the time — not blank.
    expect([picture.width, picture.height]).toEqual([480, 270]);
    expect(picture.colours).toBeGreaterThan(2);
    const caption = op.getByTestId('screenshot-captured-at');
    const capturedAt = Number(await caption.getAttribute('data-captured-at'));
    expect(capturedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(capturedAt).toBeLessThanOrEqual(Date.now());
    expect(await caption.textContent()).toMatch(/^Captured .+ · 480×270 · taken on request$/);
    const firstId = await op.getByTestId('screenshot-image').getAttribute('data-screenshot-id');

    // A second one: the newest is shown, the first is in the list and can be picked again.
    await op.getByTestId('take-screenshot').click();
    await op
      .locator(`[data-testid="screenshot-image"]:not([data-screenshot-id="${firstId}"])`)
      .waitFor({ timeout: 30_000 });
    await expect.poll(() => op.getByTestId('screenshot-item').count(), { timeout: 10_000 }).toBe(2);
    await op.getByTestId('screenshot-item').nth(1).click();
    await op.locator(`[data-testid="screenshot-image"][data-screenshot-id="${firstId}"]`).waitFor();
  }, 90_000);

  it('an advertiser who sees the screen sees the picture, without the button', async () => {
    await ad.goto(`${hosts[1]!.url}/#/screens/${SCREEN}`);
    await ad.getByTestId('screenshot-image').waitFor({ timeout: 15_000 });
    expect((await shownPicture(ad)).width).toBe(480);
    expect(await ad.getByTestId('take-screenshot').count()).toBe(0);
  }, 60_000);
});
