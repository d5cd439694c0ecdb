/**
 * Campaigns in Chromium (issue 12): an operator creates a campaign for an advertiser
 * organization and books it on a tag in the console; real agents with the simulated player play
 * it over the real broker; the delivery view shows the plays per screen and day, and its CSV
 * export holds the same rows. An advertiser of the organization then sees the campaign, read-only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, DeliveryReport } from '../../protocol';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { api, login, startTestServer, waitFor, type TestServer } from '../helpers/server';

const OPERATOR = { email: 'oscar@ops.test', password: 'oscar-operator-12', name: 'Oscar Ops' };
const ADVERTISER = { email: 'ada@alpha.test', password: 'ada-advertiser-1', name: 'Ada Alpha' };
const poll = { timeout: 20_000, interval: 100 };

describe('campaigns in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-campaigns-e2e-'));
  let server: TestServer;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let adminToken: string;
  const agents: Agent[] = [];
  const creds: Record<string, string> = {};
  let rendererDir: string;

  beforeAll(async () => {
    rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    adminToken = (await login(server)).token;
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    const ad = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...ADVERTISER, role: 'advertiser' },
      adminToken,
    );
    await api(
      server,
      'POST',
      '/api/organizations',
      { id: 'org-alpha', name: 'Alpha Drinks' },
      adminToken,
    );
    await api(
      server,
      'PUT',
      `/api/admin/users/${ad.body.user.id}/organization`,
      { organizationId: 'org-alpha' },
      adminToken,
    );
    for (const id of ['mall-1', 'mall-2']) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Mall ${id.slice(-1)}`, tags: ['mall'] },
        adminToken,
      );
      creds[id] = res.body.credentials.password;
    }
    host = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'op'), rendererDir });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    await browser?.close();
    await host?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const status = () => page.getByTestId('connection-indicator').getAttribute('data-status');

  async function signIn(who: { email: string; password: string }) {
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(who.email);
    await page.getByTestId('signin-password').fill(who.password);
    await page.getByTestId('signin-submit').click();
    await expect.poll(status, poll).toBe('live');
  }

  it('an operator books a campaign on a tag; the screens play it; the delivery view shows it', async () => {
    await signIn(OPERATOR);
    await page.getByTestId('nav-campaigns').click();
    const form = page.getByTestId('new-campaign');
    await form.locator('input[name="campaignId"]').fill('cmp-alpha-summer');
    await form.locator('input[name="campaignName"]').fill('Alpha Summer');
    await form.locator('select[name="organization"]').selectOption('org-alpha');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    const row = page.locator('[data-campaign="cmp-alpha-summer"]');
    await expect.poll(() => row.innerText(), poll).toMatch(/Alpha Summer.*Alpha Drinks/s);
    await row.getByRole('link').click();

    const booking = page.getByTestId('new-booking');
    await booking.locator('input[name="tags"]').fill('mall');
    await booking.locator('input[name="contractedPlays"]').fill('100');
    await booking.getByRole('button', { name: 'Book' }).click();
    await expect
      .poll(() => page.getByTestId('bookings').innerText(), poll)
      .toMatch(/#mall.*100 plays contracted.*active/s);
    expect(await page.getByTestId('contracted').innerText()).toBe('100');

    for (const id of ['mall-1', 'mall-2']) {
      const agent = await startAgent(
        parseConfig({
          screenId: id,
          broker: { url: server.mqttUrl, username: id, password: creds[id] },
          dataDir: path.join(tmp, id),
          player: {
            type: 'simulated',
            slotMs: 200,
            faultsPerHour: 0,
            rebootsPerDay: 0,
            playlist: [
              { campaignId: 'cmp-alpha-summer', creativeId: 'cr-summer-10s', title: 'Summer' },
            ],
          },
        }),
        { log: createLogger('error') },
      );
      agents.push(agent);
      await agent.firstConnect;
    }
    const delivered = async () =>
      (
        await api<DeliveryReport>(
          server,
          'GET',
          '/api/campaigns/cmp-alpha-summer/delivery',
          undefined,
          adminToken,
        )
      ).body;
    await waitFor(
      async () => (await delivered()).screens.every((s) => s.plays >= 3),
      20_000,
      'plays on both screens',
    );
    for (const a of agents.splice(0)) await a.stop();
    const final = await delivered();

    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect
      .poll(() => page.getByTestId('delivered').innerText(), poll)
      .toBe(String(final.deliveredPlays));
    const table = page.getByTestId('delivery-table');
    expect(await table.locator('tr[data-screen="mall-1"]').count()).toBeGreaterThan(0);
    expect(await table.locator('tr[data-screen="mall-2"]').count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('campaign-delivery') });

    const download = page.waitForEvent('download');
    await page.getByTestId('delivery-export').click();
    const lines = fs
      .readFileSync(await (await download).path(), 'utf8')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe('screen_id,name,date,plays');
    expect(lines.slice(1, -1)).toEqual(
      final.screens.flatMap((s) =>
        s.days.map((d) => `${s.screenId},${s.name},${d.date},${d.plays}`),
      ),
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^TOTAL,contracted 100,.*,${final.deliveredPlays}$`));
  }, 120_000);

  it('an advertiser of the organization sees the campaign and its delivery, read-only', async () => {
    await page
      .getByTestId('signout')
      .click()
      .catch(() => undefined);
    const fresh = await browser.context.newPage();
    page = fresh;
    const adHost = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'ad'),
      rendererDir,
    });
    try {
      await page.goto(adHost.url);
      await page.getByTestId('signin-server').fill(server.url);
      await page.getByTestId('signin-email').fill(ADVERTISER.email);
      await page.getByTestId('signin-password').fill(ADVERTISER.password);
      await page.getByTestId('signin-submit').click();
      await expect.poll(status, poll).toBe('live');
      await page.getByTestId('nav-campaigns').click();
      const row = page.locator('[data-campaign="cmp-alpha-summer"]');
      await expect.poll(() => row.count(), poll).toBe(1);
      expect(await page.getByTestId('new-campaign').count()).toBe(0);
      await row.getByRole('link').click();
      await expect.poll(() => page.getByTestId('delivered').innerText(), poll).not.toBe('0');
      expect(await page.getByTestId('new-booking').count()).toBe(0);
      expect(await page.getByRole('button', { name: 'Cancel booking' }).count()).toBe(0);
    } finally {
      await adHost.close();
    }
  }, 60_000);
});
