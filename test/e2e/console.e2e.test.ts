/**
 * The console end to end, in Chromium through the browser host, against a real server, a real
 * agent process and a second console: sign-in, the live fleet, a command and its result, chat
 * with typing and read receipts between two consoles, an alarm toast when an agent dies, and
 * offline work — cached fleet and history with the server down, a message queued and delivered
 * exactly once after the server returns, and a console restart that opens from its cache.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Screen } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { ADMIN, api, login, startRestartableServer } from '../helpers/server';

const ADVERTISER = {
  email: 'alex@adverts.test',
  password: 'alex-advertiser-1',
  name: 'Alex Advertiser',
};
const poll = { timeout: 15_000, interval: 100 };

describe('the console in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-console-e2e-'));
  let rendererDir: string;
  let server: Awaited<ReturnType<typeof startRestartableServer>>;
  let agent: AgentProcess;
  let hostA: ConsoleHost;
  let hostB: ConsoleHost;
  let browserA: Awaited<ReturnType<typeof launchBrowser>>;
  let browserB: Awaited<ReturnType<typeof launchBrowser>>;
  let pageA: Page;
  let pageB: Page;
  let conversationId: string;

  beforeAll(async () => {
    rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startRestartableServer('sqlite', { alarmGraceMs: 500, sweepMs: 200 });
    const { token } = await login(server);
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'e2e-c1', name: 'Harbour Front', tags: ['waterfront'] },
      token,
    );
    const advertiser = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...ADVERTISER, role: 'advertiser' },
      token,
    );
    const conv = await api<{ conversation: { id: string } }>(
      server,
      'POST',
      '/api/conversations',
      {
        kind: 'direct',
        participantIds: [advertiser.body.user.id],
        screenId: 'e2e-c1',
        title: 'Harbour Front campaign',
      },
      token,
    );
    expect(conv.status).toBe(201);
    conversationId = conv.body.conversation.id;
    agent = await startAgentProcess({
      screenId: 'e2e-c1',
      brokerUrl: server.mqttUrl,
      password: created.body.credentials.password,
    });
    hostA = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'console-a'),
      rendererDir,
      defaultServerUrl: server.url,
    });
    hostB = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'console-b'),
      rendererDir,
      defaultServerUrl: server.url,
    });
    browserA = await launchBrowser();
    browserB = await launchBrowser();
    pageA = await browserA.context.newPage();
    pageB = await browserB.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browserA?.close();
    await browserB?.close();
    await agent?.kill('SIGKILL');
    await hostA?.close();
    await hostB?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function signIn(page: Page, url: string, creds: { email: string; password: string }) {
    await page.goto(url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(creds.email);
    await page.getByTestId('signin-password').fill(creds.password);
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), poll)
      .toBe('live');
  }

  const tile = (page: Page) => page.locator('[data-testid="screen-tile"][data-screen-id="e2e-c1"]');

  it('refuses a wrong password with a clear message', async () => {
    await pageA.goto(hostA.url);
    await pageA.getByTestId('signin-server').fill(server.url);
    await pageA.getByTestId('signin-email').fill(ADMIN.email);
    await pageA.getByTestId('signin-password').fill('not-the-password');
    await pageA.getByTestId('signin-submit').click();
    await expect
      .poll(() => pageA.getByTestId('signin-error').innerText(), poll)
      .toMatch(/wrong email or password/i);
    await pageA.screenshot({ path: screenshotPath('console-signin-error') });
  });

  it('signs in and shows the fleet updating live', async () => {
    await signIn(pageA, hostA.url, ADMIN);
    await expect.poll(() => tile(pageA).getAttribute('data-state'), poll).toBe('online');
    const first = await tile(pageA).innerText();
    // Telemetry keeps arriving (every second): "seen … ago" and readings change on their own.
    await expect.poll(async () => (await tile(pageA).innerText()) !== first, poll).toBe(true);
    await expect.poll(() => pageA.getByTestId('fleet-count-online').innerText(), poll).toBe('1');
    await pageA.screenshot({ path: screenshotPath('console-fleet') });
  });

  it('runs a command and shows its result', async () => {
    await tile(pageA).click();
    await pageA.getByTestId('screen-detail').waitFor();
    await pageA.getByTestId('command-button-refreshContent').click();
    const status = pageA.getByTestId('command-status').first();
    await expect.poll(() => status.getAttribute('data-status'), poll).toBe('succeeded');
    await pageA.screenshot({ path: screenshotPath('console-screen-detail') });
  });

  it("shows the screen controller's network and sizes in the detail", async () => {
    // What the agent measured on this host, as the server keeps it.
    const { token } = await login(server);
    const { body } = await api<{ screen: Screen }>(
      server,
      'GET',
      '/api/screens/e2e-c1',
      undefined,
      token,
    );
    const ip = body.screen.telemetry?.network?.ip;
    const iface = Object.entries(os.networkInterfaces()).find(([, addrs]) =>
      addrs?.some((a) => !a.internal && a.family === 'IPv4'),
    );
    if (iface) expect(ip).toBeTruthy();
    const details = pageA.getByTestId('system-details');
    await details.waitFor();
    await expect.poll(() => pageA.getByTestId('system-ip').innerText(), poll).toBe(ip ?? '—');
    expect(await details.innerText()).toMatch(/Memory\s+[\d.]+ GB/);
  });

  it('chats between two consoles with typing and read receipts', async () => {
    await signIn(pageB, hostB.url, ADVERTISER);
    await pageA.getByTestId('nav-messages').click();
    await pageA
      .locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`)
      .click();
    await pageB.getByTestId('nav-messages').click();
    await pageB
      .locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`)
      .click();
    await pageB.getByTestId('thread').waitFor();

    await pageA
      .getByTestId('composer-input')
      .pressSequentially('Your creative is live on Harbour Front', { delay: 10 });
    await pageB.getByTestId('typing-indicator').waitFor({ timeout: 10_000 });
    await pageA.getByTestId('composer-send').click();

    const onB = pageB
      .getByTestId('message-item')
      .filter({ hasText: 'Your creative is live on Harbour Front' });
    await expect.poll(() => onB.count(), poll).toBe(1);
    // Sending clears the indicator (and it clears by itself after a few seconds anyway).
    await expect.poll(() => pageB.getByTestId('typing-indicator').count(), poll).toBe(0);
    // B has the thread open, so it is read: A sees the read tick.
    const onA = pageA
      .getByTestId('message-item')
      .filter({ hasText: 'Your creative is live on Harbour Front' });
    await expect.poll(() => onA.getAttribute('data-read'), poll).toBe('true');

    await pageB
      .getByTestId('composer-input')
      .fill('Thanks! <img src=x onerror=alert(1)> looks great');
    await pageB.getByTestId('composer-send').click();
    const reply = pageA
      .getByTestId('message-item')
      .filter({ hasText: '<img src=x onerror=alert(1)>' });
    await expect.poll(() => reply.count(), poll).toBe(1);
    expect(await reply.locator('img').count()).toBe(0);
    await pageA.screenshot({ path: screenshotPath('console-chat-a') });
    await pageB.screenshot({ path: screenshotPath('console-chat-b') });
  });

  it('turns the tile lost when the agent dies and toasts the alarm', async () => {
    await pageA.getByTestId('nav-fleet').click();
    await agent.kill('SIGKILL');
    await expect.poll(() => tile(pageA).getAttribute('data-state'), poll).toBe('lost');
    const toast = pageA.getByTestId('toast').filter({ hasText: 'Harbour Front' });
    await expect.poll(() => toast.count(), poll).toBeGreaterThan(0);
    await pageA.screenshot({ path: screenshotPath('console-alarm-toast') });
    await pageA.getByTestId('nav-alarms').click();
    await expect.poll(() => pageA.getByTestId('alarm-row').count(), poll).toBeGreaterThan(0);
    await pageA.screenshot({ path: screenshotPath('console-alarms') });
  });

  it('works offline: cached fleet and history, a queued message sent exactly once on return', async () => {
    // Visit the screen once while online so its history is cached.
    await pageA.getByTestId('nav-fleet').click();
    await tile(pageA).click();
    await pageA.getByTestId('screen-detail').waitFor();
    await server.stopServer();
    await expect.poll(() => pageA.getByTestId('offline-banner').count(), poll).toBe(1);

    // Still there: the fleet and the screen's detail with its history.
    await pageA.getByTestId('nav-fleet').click();
    await expect.poll(() => tile(pageA).count(), poll).toBe(1);
    await tile(pageA).click();
    await pageA.getByTestId('screen-detail').waitFor();
    await pageA.screenshot({ path: screenshotPath('console-offline-detail') });

    // Queue a message while the server is down.
    await pageA.getByTestId('nav-messages').click();
    await pageA
      .locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`)
      .click();
    await pageA.getByTestId('composer-input').fill('Sent while the server was down');
    await pageA.getByTestId('composer-send').click();
    const queued = pageA
      .getByTestId('message-item')
      .filter({ hasText: 'Sent while the server was down' });
    await expect.poll(() => queued.getAttribute('data-pending'), poll).toBe('true');
    await expect
      .poll(() => pageA.getByTestId('offline-banner').innerText(), poll)
      .toMatch(/1 action/);
    await pageA.screenshot({ path: screenshotPath('console-offline-queued') });

    // Restart the console itself with the server still down: it opens from its cache.
    const port = hostA.port;
    await hostA.close();
    hostA = await startConsoleHost({
      port,
      dataDir: path.join(tmp, 'console-a'),
      rendererDir,
      defaultServerUrl: server.url,
    });
    // A real restart of the page too (same origin: only a blank page in between reloads it).
    await pageA.goto('about:blank');
    await pageA.goto(`${hostA.url}/#/fleet`);
    await expect.poll(() => tile(pageA).count(), poll).toBe(1);
    await expect.poll(() => pageA.getByTestId('offline-banner').count(), poll).toBe(1);
    await pageA.screenshot({ path: screenshotPath('console-restart-from-cache') });

    // The server returns: the message goes out once. (The restarted core's connection states
    // are kept so a failure says what the console went through.)
    const trail: string[] = [];
    const started = Date.now();
    hostA.core.subscribe((e) => {
      if (e.type === 'connection')
        trail.push(
          `+${Date.now() - started} ms ${e.connection.status} ${e.connection.lastError ?? ''}`,
        );
    });
    await server.startAgain();
    try {
      await expect
        .poll(() => pageA.getByTestId('connection-indicator').getAttribute('data-status'), {
          timeout: 45_000,
          interval: 200,
        })
        .toBe('live');
    } catch (err) {
      throw new Error(
        `console A did not come back live; its connection went: ${trail.join(' → ')}`,
        { cause: err },
      );
    }
    const rows = async () =>
      (await server.server.ctx.knex('messages').where({ body: 'Sent while the server was down' }))
        .length;
    await expect.poll(rows, poll).toBe(1);
    const onB = pageB
      .getByTestId('message-item')
      .filter({ hasText: 'Sent while the server was down' });
    await expect.poll(() => onB.count(), { timeout: 45_000, interval: 200 }).toBe(1);
    await pageA.getByTestId('nav-messages').click();
    await pageA
      .locator(`[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`)
      .click();
    const sent = pageA
      .getByTestId('message-item')
      .filter({ hasText: 'Sent while the server was down' });
    await expect.poll(() => sent.count(), poll).toBe(1);
    await expect.poll(() => sent.getAttribute('data-pending'), poll).toBe('false');
    expect(await rows()).toBe(1);
    await pageB.screenshot({ path: screenshotPath('console-after-reconnect-b') });
  }, 120_000);
});
