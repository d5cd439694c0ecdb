/**
 * Electron smoke test: the built app (desktop/out) opens its window with the security settings
 * the design asks for and shows the sign-in, served from app://marquee/. It runs wherever an
 * Electron binary is installed (npm run electron:install); elsewhere it says why it is
 * skipped. Build first: npm run build. With MARQUEE_ELECTRON_APP=<packaged executable> it
 * checks an installed package instead (the release workflow): fuses turn off the Node
 * inspector Playwright's Electron launcher needs, so it is driven over Chromium's DevTools
 * protocol.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron, chromium, type Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'desktop/out/main/index.js');

function electronBinary(): { path: string | null; reason: string } {
  // Electron 42+ downloads its binary the first time `require('electron')` runs; look first,
  // so a machine that cannot download does not try on every test run.
  const pkgDir = path.join(ROOT, 'node_modules/electron');
  const pathFile = path.join(pkgDir, 'path.txt');
  const installed =
    fs.existsSync(pathFile) &&
    fs.existsSync(path.join(pkgDir, 'dist', fs.readFileSync(pathFile, 'utf8').trim()));
  if (!installed) {
    return {
      path: null,
      reason:
        'the Electron binary is not installed (installs skip it; run npm run electron:install where Electron can be downloaded)',
    };
  }
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown as string;
    if (typeof bin === 'string' && fs.existsSync(bin)) return { path: bin, reason: '' };
    return {
      path: null,
      reason:
        'the Electron binary is not installed (installs skip it; run npm run electron:install where Electron can be downloaded)',
    };
  } catch (err) {
    const message = (err as Error).message;
    // The electron package throws this when its postinstall skipped the binary download.
    if (message.includes('failed to install correctly')) {
      return {
        path: null,
        reason:
          'the Electron binary is not installed (installs skip it; run npm run electron:install where Electron can be downloaded)',
      };
    }
    return { path: null, reason: `the electron package does not load: ${message.split('\n')[0]}` };
  }
}

const PACKAGED = process.env.MARQUEE_ELECTRON_APP;
const bin: { path: string | null; reason: string } = PACKAGED
  ? fs.existsSync(PACKAGED)
    ? { path: PACKAGED, reason: '' }
    : { path: null, reason: `MARQUEE_ELECTRON_APP=${PACKAGED} does not exist` }
  : electronBinary();
// The release workflow sets MARQUEE_REQUIRE_ELECTRON=1: there a skip would hide a failure.
if (!bin.path && process.env.MARQUEE_REQUIRE_ELECTRON === '1') {
  throw new Error(`MARQUEE_REQUIRE_ELECTRON=1 but ${bin.reason}`);
}
if (!bin.path) console.log(`[marquee tests] Electron smoke test skipped: ${bin.reason}`);

/** The console page answers as the design asks: no Node, only the console API, app:// origin. */
async function expectHardenedSignIn(window: Page) {
  await window.getByTestId('signin-email').waitFor({ timeout: 20_000 });
  expect(window.url()).toMatch(/^app:\/\/marquee\//);
  expect(await window.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
    'undefined',
  );
  expect(await window.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
    'undefined',
  );
  expect(
    await window.evaluate(
      () =>
        typeof (window as unknown as { marquee?: { getSnapshot?: unknown } }).marquee?.getSnapshot,
    ),
  ).toBe('function');
}

describe.skipIf(!bin.path || !!PACKAGED)('Electron app', () => {
  it('opens a sandboxed, isolated window showing the sign-in', async () => {
    if (!fs.existsSync(MAIN)) throw new Error(`no built app at ${MAIN}: run npm run build first`);
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-electron-'));
    const app = await electron.launch({
      executablePath: bin.path!,
      args: [MAIN, `--user-data-dir=${userData}`, '--no-sandbox'],
      env: { ...process.env, MARQUEE_DEFAULT_SERVER_URL: 'http://127.0.0.1:9' },
    });
    try {
      await expectHardenedSignIn(await app.firstWindow());
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!bin.path || !PACKAGED)('Electron package', () => {
  it('starts the packaged, fused app showing the sign-in', async () => {
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-package-'));
    const child = spawn(
      bin.path!,
      [`--user-data-dir=${userData}`, '--remote-debugging-port=0', '--no-sandbox'],
      { env: { ...process.env, MARQUEE_DEFAULT_SERVER_URL: 'http://127.0.0.1:9' } },
    );
    try {
      const wsUrl = await new Promise<string>((resolve, reject) => {
        let seen = '';
        const timer = setTimeout(
          () => reject(new Error(`no DevTools address in 30 s; the app said:\n${seen}`)),
          30_000,
        );
        child.stderr.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`the app exited (${code}):\n${seen}`)));
      });
      const browser = await chromium.connectOverCDP(wsUrl);
      try {
        const context = browser.contexts()[0];
        if (!context) throw new Error('the packaged app has no browser context');
        const page =
          context.pages().find((p) => p.url().startsWith('app://')) ??
          (await context.waitForEvent('page', { timeout: 20_000 }));
        await expectHardenedSignIn(page);
      } finally {
        await browser.close();
      }
    } finally {
      child.kill();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
