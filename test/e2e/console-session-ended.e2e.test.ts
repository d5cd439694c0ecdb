/**
 * Hardening (issue 10), in Chromium through the browser host against a real server: when an
 * admin changes the password of the signed-in user, or disables the account, the page returns
 * to the sign-in form with the server's sentence (not a console that keeps retrying). And an
 * advertiser's open screen detail says so when the screen stops being shared with them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { api, login, startTestServer, type TestServer } from '../helpers/server';
import { startTcpProxy } from '../helpers/tcp-proxy';

const OLGA = { email: 'olga@ops.test', password: 'olga-operator-123', name: 'Olga Operator' };
const PAT = { email: 'pat@ops.test', password: 'pat-operator-1234', name: 'Pat' };
const ADA = { email: 'ada@adverts.test', password: 'ada-advertiser-12', name: 'Ada Advertiser' };
const poll = { timeout: 15_000, interval: 100 };

describe('the console in Chromium when the server ends the session', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-session-e2e-'));
  let server: TestServer;
  let adminToken: string;
  let olgaId: string;
  let adaId: string;
  let patId: string;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    adminToken = (await login(server)).token;
    const user = async (u: typeof OLGA, role: string) =>
      (
        await api<{ user: { id: string } }>(
          server,
          'POST',
          '/api/users',
          { ...u, role },
          adminToken,
        )
      ).body.user.id;
    olgaId = await user(OLGA, 'operator');
    adaId = await user(ADA, 'advertiser');
    patId = await user(PAT, 'operator');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
    const screen = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'se-shared', name: 'Station Square' },
      adminToken,
    );
    expect(screen.status).toBe(201);
    host = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'console'),
      rendererDir,
      defaultServerUrl: server.url,
    });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await proxy?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function signIn(creds: { email: string; password: string }, serverUrl = server.url) {
    await page.getByTestId('signin-server').fill(serverUrl);
    await page.getByTestId('signin-email').fill(creds.email);
    await page.getByTestId('signin-password').fill(creds.password);
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), poll)
      .toBe('live');
  }

  it('a password changed by an admin brings the sign-in form back with the reason', async () => {
    await page.goto(host.url);
    await signIn(OLGA);
    const res = await api(
      server,
      'PATCH',
      `/api/users/${olgaId}`,
      { password: 'olga-new-password-1' },
      adminToken,
    );
    expect(res.status).toBe(200);
    const t0 = Date.now();
    await page.getByTestId('signin-ended').waitFor({ timeout: 5000 });
    const ms = Date.now() - t0;
    expect(await page.getByTestId('signin-ended').innerText()).toBe(
      'Your password was changed; please sign in again with the new one.',
    );
    // The form is ready for the same person.
    expect(await page.getByTestId('signin-email').inputValue()).toBe(OLGA.email);
    await page.screenshot({ path: screenshotPath('console-session-ended-password') });
    console.log(`[session-ended e2e] password changed → sign-in form with the reason in ${ms} ms`);

    await signIn({ ...OLGA, password: 'olga-new-password-1' });
    expect(await page.getByTestId('signin-ended').count()).toBe(0);
  });

  it('an account disabled by an admin brings the sign-in form back with the reason', async () => {
    const res = await api(server, 'PATCH', `/api/users/${olgaId}`, { disabled: true }, adminToken);
    expect(res.status).toBe(200);
    await page.getByTestId('signin-ended').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('signin-ended').innerText()).toBe(
      'Your account was disabled by an administrator.',
    );
    // Still there after a while: the console does not retry with the dead token.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await page.getByTestId('signin-ended').isVisible()).toBe(true);
    await page.screenshot({ path: screenshotPath('console-session-ended-disabled') });
  });

  it('a token refused after the console was away leads to the same form, and says what waits', async () => {
    const conv = await api<{ conversation: Conversation }>(
      server,
      'POST',
      '/api/conversations',
      { kind: 'group', participantIds: [patId], title: 'Depot' },
      adminToken,
    );
    expect(conv.status).toBe(201);
    await signIn(PAT, proxy.url);
    await page.getByTestId('nav-messages').click();
    await page
      .locator(
        `[data-testid="conversation-item"][data-conversation-id="${conv.body.conversation.id}"]`,
      )
      .click();
    await page.getByTestId('thread').waitFor();
    proxy.unplug();
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), poll)
      .not.toBe('live');
    await page.getByTestId('composer-input').fill('Written while away');
    await page.getByTestId('composer-send').click();
    // Pat's sessions are revoked while the console is away (disabled, then enabled again).
    for (const disabled of [true, false])
      await api(server, 'PATCH', `/api/users/${patId}`, { disabled }, adminToken);
    proxy.plug();
    await page.getByTestId('signin-ended').waitFor(poll);
    expect(await page.getByTestId('signin-ended').innerText()).toBe(
      'Your session has ended; please sign in again.',
    );
    expect(await page.getByTestId('signin-pending').innerText()).toBe(
      '1 action by Pat not sent yet: sent when Pat signs in again here, discarded if someone else does.',
    );
    await page.screenshot({ path: screenshotPath('console-session-ended-refused') });
    // Pat again: the message goes out.
    await signIn(PAT, proxy.url);
    await expect
      .poll(async () => {
        const res = await api<{ messages: { body: string }[] }>(
          server,
          'GET',
          `/api/conversations/${conv.body.conversation.id}/messages?limit=50`,
          undefined,
          adminToken,
        );
        return res.body.messages.filter((m) => m.body === 'Written while away').length;
      }, poll)
      .toBe(1);
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('signout').click();
    await page.getByTestId('signin-submit').waitFor(poll);
  });

  it('an open screen detail says when the screen is no longer shared with the advertiser', async () => {
    const conv = await api<{ conversation: Conversation }>(
      server,
      'POST',
      '/api/conversations',
      { kind: 'group', participantIds: [adaId], screenId: 'se-shared', title: 'Station Square' },
      adminToken,
    );
    expect(conv.status).toBe(201);
    await signIn(ADA);
    await page.goto(`${host.url}/#/screens/se-shared`);
    await page.locator('[data-testid="screen-detail"][data-screen-id="se-shared"]').waitFor(poll);

    const adaToken = (await login(server, ADA)).token;
    const left = await api(
      server,
      'DELETE',
      `/api/conversations/${conv.body.conversation.id}/participants/${adaId}`,
      undefined,
      adaToken,
    );
    expect(left.status).toBe(200);
    await page.getByTestId('screen-not-shared').waitFor({ timeout: 5000 });
    expect(await page.getByTestId('screen-not-shared').innerText()).toBe(
      'This screen is no longer shared with you.',
    );
    await page.goto(`${host.url}/#/fleet`);
    await page.getByTestId('fleet-count-online').waitFor(poll);
    expect(
      await page.locator('[data-testid="screen-tile"][data-screen-id="se-shared"]').count(),
    ).toBe(0);
  });
});
