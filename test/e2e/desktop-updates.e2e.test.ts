/**
 * Settings → "This app" in Chromium, as an operator sees it (issue 16): what the update check
 * found, live as it changes, "Restart to install" once an update is ready, and why the sign-in
 * is not kept on a computer without a keyring. The real renderer through the browser host,
 * signed in to a real server. The desktop bridge (`window.marqueeDesktop`) is what Electron's
 * preload exposes; Chromium has no Electron, so the page gets a scripted bridge with the same
 * contract (shared/desktop-contract.ts) that records the calls. The Electron side of the
 * channel (main/desktop-ipc.ts) runs only in the release workflow's smoke test. Without a
 * bridge (the browser host as it is) the panel is not shown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser } from '../helpers/browser';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server';

const poll = { timeout: 20_000, interval: 100 };

/** Runs in the page before the bundle: a desktop bridge driven from the test. */
function installScriptedBridge() {
  type Listener = (event: unknown) => void;
  const listeners = new Set<Listener>();
  const state = {
    calls: [] as string[],
    status: {
      appVersion: '0.1.0',
      updates: { state: 'checking' },
      signIn: {
        kept: false,
        reason:
          'This computer has no keyring (such as GNOME Keyring or KWallet) for Marquee to lock your sign-in with, so you are not kept signed in: sign in again at each start.',
      },
    } as Record<string, unknown>,
  };
  const w = window as unknown as Record<string, unknown>;
  w.__desktopTest = {
    state,
    push(updates: unknown) {
      state.status = { ...state.status, updates };
      for (const l of listeners) l({ type: 'status', status: state.status });
    },
  };
  w.marqueeDesktop = {
    getDesktopStatus: () => {
      state.calls.push('getDesktopStatus');
      return Promise.resolve(state.status);
    },
    checkForUpdates: () => {
      state.calls.push('checkForUpdates');
      return Promise.resolve(state.status.updates);
    },
    restartToUpdate: () => {
      state.calls.push('restartToUpdate');
      return Promise.resolve({ restarting: true });
    },
    subscribe: (listener: Listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

describe('updates in Settings, in Chromium', { timeout: 60_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-updates-e2e-'));
  let server: TestServer;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    host = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'host'), rendererDir });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await host?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const push = (updates: unknown) =>
    page.evaluate(
      (u) =>
        (window as unknown as { __desktopTest: { push(x: unknown): void } }).__desktopTest.push(u),
      updates,
    );
  const calls = () =>
    page.evaluate(
      () =>
        (window as unknown as { __desktopTest: { state: { calls: string[] } } }).__desktopTest.state
          .calls,
    );

  it('shows no "This app" panel in the browser host, which has no desktop bridge', async () => {
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(ADMIN.email);
    await page.getByTestId('signin-password').fill(ADMIN.password);
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), poll)
      .toBe('live');
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('signout').waitFor();
    expect(await page.getByTestId('updates-panel').count()).toBe(0);
  });

  it('says what the update check found, live, and restarts to install when asked', async () => {
    await page.addInitScript(installScriptedBridge);
    await page.reload();
    await page.getByTestId('nav-settings').click();
    const status = page.getByTestId('updates-status');
    await expect.poll(() => status.textContent(), poll).toBe('Checking for updates…');
    expect(await page.getByTestId('signin-kept').textContent()).toContain(
      'you are not kept signed in: sign in again at each start.',
    );
    // No manual check while one runs.
    expect(await page.getByTestId('updates-check').count()).toBe(0);

    await push({ state: 'upToDate', version: '0.1.0' });
    await expect.poll(() => status.textContent(), poll).toBe('Up to date (0.1.0).');
    await page.getByTestId('updates-check').click();
    await expect.poll(calls, poll).toContain('checkForUpdates');

    await push({
      state: 'error',
      message:
        'Could not reach the update feed at https://updates.example/marquee/. Updates are checked again later.',
    });
    await expect
      .poll(() => status.textContent(), poll)
      .toBe(
        'Could not reach the update feed at https://updates.example/marquee/. Updates are checked again later.',
      );

    await push({ state: 'downloading', version: '0.2.0', percent: 40 });
    await expect
      .poll(() => status.textContent(), poll)
      .toBe('Version 0.2.0 available — downloading (40%).');
    await push({ state: 'ready', version: '0.2.0' });
    await expect
      .poll(() => status.textContent(), poll)
      .toBe('Version 0.2.0 available — restart to install.');
    await page.getByTestId('updates-restart').click();
    await expect.poll(calls, poll).toContain('restartToUpdate');
    await page.screenshot({ path: path.join(os.tmpdir(), 'marquee-updates-settings.png') });

    await push({
      state: 'off',
      reason:
        'Updates off: no update feed is configured (MARQUEE_UPDATE_URL or the updateUrl setting).',
    });
    await expect
      .poll(() => status.textContent(), poll)
      .toBe(
        'Updates off: no update feed is configured (MARQUEE_UPDATE_URL or the updateUrl setting).',
      );
  });
});
