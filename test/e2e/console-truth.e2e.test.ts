/**
 * The console tells the truth, in Chromium against a real server and a real agent process:
 * - a form error is a sentence for a person (the technical text is in Diagnostics);
 * - a command shows its real state: written offline it says so, refused it says why (not
 *   "queued" forever with the refusal only under Diagnostics), run it says it succeeded;
 * - an advertiser is offered no commands and no alarms, and the screen a conversation links
 *   them to opens (it used to say "No screen with id … is known").
 * The operator's console reaches the server through a TCP proxy that the test unplugs, so the
 * console is offline while the server stays up and changes under it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';
import { startTcpProxy } from '../helpers/tcp-proxy';

const ADVERTISER = { email: 'ada@adverts.test', password: 'ada-advertiser-1', name: 'Ada Ads' };
const poll = { timeout: 20_000, interval: 100 };

describe('console truth in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-truth-e2e-'));
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let agent: AgentProcess;
  let hostOp: ConsoleHost;
  let hostAd: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let op: Page;
  let ad: Page;
  let adminToken: string;
  let advertiserId: string;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { alarmGraceMs: 500, sweepMs: 200 });
    proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(server.url).port) });
    adminToken = (await login(server)).token;
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'truth-1', name: 'Canal Bridge' },
      adminToken,
    );
    await api(server, 'POST', '/api/screens', { id: 'truth-2', name: 'Opera Steps' }, adminToken);
    const advertiser = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...ADVERTISER, role: 'advertiser' },
      adminToken,
    );
    advertiserId = advertiser.body.user.id;
    agent = await startAgentProcess({
      screenId: 'truth-1',
      brokerUrl: server.mqttUrl,
      password: created.body.credentials.password,
    });
    hostOp = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'op'), rendererDir });
    hostAd = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'ad'), rendererDir });
    browser = await launchBrowser();
    op = await browser.context.newPage();
    ad = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.kill('SIGKILL');
    await hostOp?.close();
    await hostAd?.close();
    await proxy?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const status = (page: Page) =>
    page.getByTestId('connection-indicator').getAttribute('data-status');

  async function fillSignIn(page: Page, url: string, email: string, password: string) {
    await page.getByTestId('signin-server').fill(url);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
  }

  it('says what is wrong with a sign-in as a sentence, and keeps the detail for Diagnostics', async () => {
    await op.goto(hostOp.url);
    await fillSignIn(op, proxy.url, `${'x'.repeat(300)}@example.com`, 'whatever-password');
    const error = op.getByTestId('signin-error');
    await expect.poll(() => error.count(), poll).toBe(1);
    expect(await error.innerText()).toBe(
      'That email address is too long (254 characters at most).',
    );

    await fillSignIn(op, 'http://127.0.0.1:9', ADMIN.email, ADMIN.password);
    await expect
      .poll(() => error.innerText(), poll)
      .toBe(
        'Cannot reach the server at http://127.0.0.1:9. Check the address, and that the server is running.',
      );

    await fillSignIn(op, proxy.url, ADMIN.email, ADMIN.password);
    await expect.poll(() => status(op), poll).toBe('live');
    // The technical text went to Diagnostics, not to the form.
    await op.getByTestId('nav-diagnostics').click();
    const apiErrors = op.locator('[data-testid="diag-event"][data-type="apiError"]');
    await expect.poll(() => apiErrors.count(), poll).toBeGreaterThanOrEqual(2);
    expect(await apiErrors.allInnerTexts()).toEqual(
      expect.arrayContaining([expect.stringMatching(/signIn: email: Too big/)]),
    );
  });

  it('shows each command’s real state: succeeded, waiting offline, refused with the reason', async () => {
    await op.goto(`${hostOp.url}/#/screens/truth-1`);
    await op.getByTestId('command-button-refreshContent').waitFor({ timeout: 20_000 });
    await op.getByTestId('command-button-refreshContent').click();
    const item = (type: string) =>
      op.getByTestId('command-status').filter({ hasText: type }).first();
    await expect
      .poll(() => item('Refresh content').getAttribute('data-status'), poll)
      .toBe('succeeded');
    expect(await item('Refresh content').getByTestId('command-state').innerText()).toBe(
      'Succeeded',
    );

    // The console's network goes; the server stays up and the screen is retired meanwhile.
    proxy.unplug();
    await expect.poll(() => status(op), poll).not.toBe('live');
    await op.getByTestId('command-button-reboot').click();
    await expect.poll(() => item('Reboot').getAttribute('data-status'), poll).toBe('waiting');
    expect(await item('Reboot').getByTestId('command-state').innerText()).toBe(
      'Waiting to send (offline)',
    );
    await op.screenshot({ path: screenshotPath('console-command-waiting-offline') });
    expect(
      (await api(server, 'DELETE', '/api/screens/truth-1', undefined, adminToken)).status,
    ).toBe(200);

    proxy.plug();
    await expect.poll(() => status(op), { timeout: 30_000, interval: 100 }).toBe('live');
    await expect.poll(() => item('Reboot').getAttribute('data-status'), poll).toBe('refused');
    expect(await item('Reboot').getByTestId('command-state').innerText()).toBe(
      'Refused: The server does not know this screen (it may have been retired).',
    );
    await op.screenshot({ path: screenshotPath('console-command-refused') });
    // Retired now: no more commands are offered for it.
    expect(await op.locator('[data-testid^="command-button-"]').count()).toBe(0);
  });

  it('offers an advertiser no commands and no alarms, and opens the screen linked to them', async () => {
    await ad.goto(hostAd.url);
    await fillSignIn(ad, server.url, ADVERTISER.email, ADVERTISER.password);
    await expect.poll(() => status(ad), poll).toBe('live');
    // Linked after the advertiser's first sync: the screen's last change is older than their
    // cursor, which is what made it "not known" to their console.
    const conv = await api<{ conversation: { id: string } }>(
      server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [advertiserId], screenId: 'truth-2', title: 'Opera' },
      adminToken,
    );
    expect(conv.status).toBe(201);
    hostAd.core.dropConnection(); // a reconnect (or a restart) syncs from the cursor
    await expect.poll(() => status(ad), poll).toBe('live');

    expect(await ad.getByTestId('nav-alarms').count()).toBe(0);
    await ad.getByTestId('nav-messages').click();
    await ad
      .locator(
        `[data-testid="conversation-item"][data-conversation-id="${conv.body.conversation.id}"]`,
      )
      .click();
    await ad.getByTestId('thread').locator('a.chip.link').click();
    await expect
      .poll(() => ad.getByTestId('screen-detail').getAttribute('data-screen-id'), poll)
      .toBe('truth-2');
    await expect.poll(() => ad.getByRole('heading', { name: 'Opera Steps' }).count(), poll).toBe(1);
    expect(await ad.locator('[data-testid^="command-button-"]').count()).toBe(0);
    expect(await ad.getByRole('heading', { name: 'Commands' }).count()).toBe(0);
    expect(await ad.getByRole('heading', { name: 'Alarms' }).count()).toBe(0);
    // The fleet shows exactly the screens linked to them.
    await ad.goto(`${hostAd.url}/#/fleet`);
    await expect.poll(() => ad.getByTestId('screen-tile').count(), poll).toBe(1);
    await ad.goto(`${hostAd.url}/#/alarms`);
    await expect.poll(() => ad.getByTestId('not-for-role').count(), poll).toBe(1);
    await ad.screenshot({ path: screenshotPath('console-advertiser-alarms') });
  });
});
