/**
 * Desired state as an operator sets it, in Chromium through the browser host, against a real
 * server and real agents (simulated player): the operator sets a screen's desired brightness in
 * its detail, the agent applies it to its display and the console shows no drift; a screen
 * whose panel cannot be set shows the drift and the agent's reason, and is what the fleet's
 * "Drift only" filter leaves; bad input gets the server's sentence; a tag's desired state is
 * set from the fleet view and reaches the tagged screen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCreateUserResponse, CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startDesiredAgent, type DesiredTestAgent } from '../../server/test/helpers/desired-agents';
import { launchBrowser } from '../helpers/browser';
import { api, login, startTestServer, type TestServer } from '../helpers/server';

const poll = { timeout: 15_000, interval: 100 };
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `/tmp/desired-state-${name}.png`, fullPage: true });
const OPERATOR = { name: 'Olga Ops', email: 'olga@ops.test', password: 'olga-operator-123' };

describe('desired state in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-desired-e2e-'));
  let server: TestServer;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  const agents: Record<string, DesiredTestAgent> = {};

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { driftGraceMs: 500, desiredTimeZone: 'UTC' });
    const admin = (await login(server)).token;
    const created = await api<AdminCreateUserResponse>(
      server,
      'POST',
      '/api/users',
      { ...OPERATOR, role: 'operator' },
      admin,
    );
    expect(created.status).toBe(201);
    for (const [id, tags, displayFails] of [
      ['e2e-good', ['foyer'], false],
      ['e2e-stuck', [], true],
    ] as const) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: id === 'e2e-good' ? 'Good panel' : 'Stuck panel', tags },
        admin,
      );
      agents[id] = await startDesiredAgent({
        screenId: id,
        password: res.body.credentials.password,
        brokerUrl: server.mqttUrl,
        displayFails,
      });
    }
    host = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'console'),
      rendererDir,
      defaultServerUrl: server.url,
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(OPERATOR.email);
    await page.getByTestId('signin-password').fill(OPERATOR.password);
    await page.getByTestId('signin-submit').click();
    await page
      .locator('[data-testid="connection-indicator"][data-status="live"]')
      .waitFor({ timeout: 15_000 });
  }, 120_000);

  afterAll(async () => {
    for (const a of Object.values(agents)) await a.agent.stop();
    await browser?.close();
    await host?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const openScreen = async (id: string) => {
    await page.goto(`${host.url}/#/screens/${id}`);
    await page.getByTestId('desired-state').waitFor();
  };

  it('an operator sets a desired brightness; the agent applies it; no drift is shown', async () => {
    await openScreen('e2e-good');
    await expect
      .poll(() => page.getByTestId('desired-state').textContent(), poll)
      .toContain('Nothing is managed');
    const start = (await agents['e2e-good']!.display()).brightness;
    const wanted = start === 80 ? 85 : 80;
    await page.getByTestId('desired-screen-brightness').fill(String(wanted));
    await page.getByTestId('desired-save').click();
    await page.getByTestId('desired-saved').waitFor();
    await expect
      .poll(async () => (await agents['e2e-good']!.display()).brightness, poll)
      .toBe(wanted);
    await expect
      .poll(() => page.getByTestId('desired-brightness').textContent(), poll)
      .toContain(`${wanted} (from this screen)`);
    await expect
      .poll(() => page.getByTestId('desired-reported').textContent(), poll)
      .toContain(`Reports brightness ${wanted}`);
    await page.getByTestId('desired-no-drift').waitFor({ timeout: 15_000 });
    // Still none once the grace is over.
    await page.waitForTimeout(1200);
    expect(await page.getByTestId('desired-drift').count()).toBe(0);

    // Bad input: the server's sentence, and nothing changes.
    await page.getByTestId('desired-screen-brightness').fill('140');
    await page.getByTestId('desired-save').click();
    await expect
      .poll(() => page.getByTestId('desired-error').textContent(), poll)
      .toBe('The desired state was not saved: Brightness must be a whole number from 0 to 100.');
    expect((await agents['e2e-good']!.display()).brightness).toBe(wanted);
  });

  it('a screen whose panel cannot be set shows drift, and the fleet filter finds it', async () => {
    await openScreen('e2e-stuck');
    const reported = (await agents['e2e-stuck']!.display()).brightness;
    const wanted = reported === 80 ? 85 : 80;
    await page.getByTestId('desired-screen-brightness').fill(String(wanted));
    await page.getByTestId('desired-save').click();
    await page.getByTestId('desired-saved').waitFor();
    await expect
      .poll(() => page.getByTestId('desired-drift-item').first().textContent(), poll)
      .toMatch(
        new RegExp(`^Desired brightness ${wanted}, reports ${reported} since \\d{1,2}:\\d{2}`),
      );
    await expect
      .poll(() => page.getByTestId('desired-apply-error').textContent(), poll)
      .toContain('simulated failure');
    await page.getByTestId('desired-state').scrollIntoViewIfNeeded();
    await shot(page, 'drift');

    await page.goto(`${host.url}/#/fleet`);
    await page.getByTestId('fleet-filter-drift').check();
    await expect
      .poll(
        () =>
          page
            .getByTestId('screen-tile')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-screen-id'))),
        poll,
      )
      .toEqual(['e2e-stuck']);
    await page.getByTestId('tile-drift').waitFor();
    await shot(page, 'fleet-drift-filter');
    await page.getByTestId('fleet-filter-drift').uncheck();
  });

  it('a tag’s desired state set from the fleet view reaches the tagged screen', async () => {
    await page.goto(`${host.url}/#/fleet`);
    await page.locator('[data-testid="tag-desired"] > summary').click();
    await page.getByTestId('tag-desired-tag').selectOption('foyer');
    await page.getByTestId('tag-desired-power').selectOption('off');
    await page.getByTestId('tag-desired-save').click();
    await expect
      .poll(() => page.getByTestId('tag-desired-note').textContent(), poll)
      .toBe('Saved for every screen tagged foyer.');
    await expect.poll(async () => (await agents['e2e-good']!.display()).power, poll).toBe('off');
    await openScreen('e2e-good');
    await expect
      .poll(() => page.getByTestId('desired-effective').textContent(), poll)
      .toContain('off (from tag foyer)');
  });
});
