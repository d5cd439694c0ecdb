/**
 * Electron smoke test: the built app (desktop/out) opens its window with the security settings
 * the design asks for and shows the sign-in. It runs wherever an Electron binary is installed
 * (npm run electron:install); elsewhere it says why it is skipped. Build first: npm run build.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { _electron as electron } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MAIN = path.join(ROOT, 'desktop/out/main/index.js');

function electronBinary(): { path: string | null; reason: string } {
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

const bin = electronBinary();
if (!bin.path) console.log(`[marquee tests] Electron smoke test skipped: ${bin.reason}`);

describe.skipIf(!bin.path)('Electron app', () => {
  it('opens a sandboxed, isolated window showing the sign-in', async () => {
    if (!fs.existsSync(MAIN)) throw new Error(`no built app at ${MAIN}: run npm run build first`);
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-electron-'));
    const app = await electron.launch({
      executablePath: bin.path!,
      args: [MAIN, `--user-data-dir=${userData}`, '--no-sandbox'],
      env: { ...process.env, MARQUEE_DEFAULT_SERVER_URL: 'http://127.0.0.1:9' },
    });
    try {
      const window = await app.firstWindow();
      await window.getByTestId('signin-email').waitFor({ timeout: 20_000 });
      // No Node in the page (nodeIntegration off, sandboxed, isolated): only the console API.
      expect(
        await window.evaluate(() => typeof (globalThis as { process?: unknown }).process),
      ).toBe('undefined');
      expect(
        await window.evaluate(() => typeof (globalThis as { require?: unknown }).require),
      ).toBe('undefined');
      expect(
        await window.evaluate(
          () =>
            typeof (window as unknown as { marquee?: { getSnapshot?: unknown } }).marquee
              ?.getSnapshot,
        ),
      ).toBe('function');
    } finally {
      await app.close();
      fs.rmSync(userData, { recursive: true, force: true });
    }
  });
});
