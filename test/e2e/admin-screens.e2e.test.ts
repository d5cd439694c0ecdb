/**
 * Screens administration end to end, as a new admin would, in Chromium through the browser
 * host against a real server and a REAL agent process: register a screen, download its config
 * (read from the browser's download), start the agent with that file and see it come online —
 * on this console and on a second admin's, without reloading; bad input gets sentences and
 * creates nothing; rotating cuts the agent off (the console shows it lost); edit, retire and
 * restore reach the other console; a CSV import with a malformed row shows that row's
 * sentence, creates the good rows once and offers their credentials; all of it is audited.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser } from '../helpers/browser';
import { ADMIN, startTestServer, type TestServer } from '../helpers/server';

const ROOT = path.resolve(import.meta.dirname, '../..');
const poll = { timeout: 15_000, interval: 100 };
const shot = (page: Page, name: string) =>
  page.screenshot({ path: `/tmp/admin-screens-${name}.png` });

/** `npm run agent -- --config FILE`, as its own process. */
function runAgent(configFile: string): { child: ChildProcess; output: () => string } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(ROOT, 'device-agent/src/main.ts'), '--config', configFile],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

describe('screens administration in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-admin-screens-e2e-'));
  let server: TestServer;
  let hostA: ConsoleHost;
  let hostB: ConsoleHost;
  let browserA: Awaited<ReturnType<typeof launchBrowser>>;
  let browserB: Awaited<ReturnType<typeof launchBrowser>>;
  let pageA: Page;
  let pageB: Page;
  let agent: ReturnType<typeof runAgent> | null = null;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    const host = (name: string) =>
      startConsoleHost({
        port: 0,
        dataDir: path.join(tmp, name),
        rendererDir,
        defaultServerUrl: server.url,
      });
    hostA = await host('console-a');
    hostB = await host('console-b');
    browserA = await launchBrowser();
    browserB = await launchBrowser();
    pageA = await browserA.context.newPage();
    pageB = await browserB.context.newPage();
    for (const [page, h] of [
      [pageA, hostA],
      [pageB, hostB],
    ] as const) {
      await page.goto(h.url);
      await page.getByTestId('signin-server').fill(server.url);
      await page.getByTestId('signin-email').fill(ADMIN.email);
      await page.getByTestId('signin-password').fill(ADMIN.password);
      await page.getByTestId('signin-submit').click();
      // (expect.poll is for tests; this is setup)
      await page
        .locator('[data-testid="connection-indicator"][data-status="live"]')
        .waitFor({ timeout: 15_000 });
    }
  }, 120_000);

  afterAll(async () => {
    agent?.child.kill('SIGKILL');
    await browserA?.close();
    await browserB?.close();
    await hostA?.close();
    await hostB?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const tile = (page: Page, id: string) =>
    page.locator(`[data-testid="screen-tile"][data-screen-id="${id}"]`);
  const field = (page: Page, name: string) => page.getByTestId(`screen-field-${name}`);
  const screenCount = async () =>
    Number((await server.ctx.knex('screens').count({ n: '*' }).first())!.n);

  it('refuses bad input in the register form with sentences, creating nothing', async () => {
    await pageA.getByTestId('add-screen').click();
    const error = pageA.getByTestId('register-screen-error');
    await pageA.getByTestId('register-screen-submit').click();
    await expect.poll(() => error.innerText(), poll).toBe('Give the screen a name.');
    await field(pageA, 'name').fill('x'.repeat(201));
    await pageA.getByTestId('register-screen-submit').click();
    await expect
      .poll(() => error.innerText(), poll)
      .toBe('Screen names are limited to 200 characters.');
    await field(pageA, 'name').fill('Pier Gate');
    await field(pageA, 'id').fill('bad id!');
    await pageA.getByTestId('register-screen-submit').click();
    await expect.poll(() => error.innerText(), poll).toMatch(/letters, digits, - and _ only/);
    await field(pageA, 'id').fill('e2e-pier');
    await field(pageA, 'lat').fill('north');
    await pageA.getByTestId('register-screen-submit').click();
    await expect
      .poll(() => error.innerText(), poll)
      .toBe('Latitude must be a number from -90 to 90.');
    await shot(pageA, 'register-error');
    expect(await screenCount()).toBe(0);
  });

  it('registers a screen, downloads its config, and a real agent with it comes online on both consoles', async () => {
    await field(pageA, 'lat').fill('51.5');
    await field(pageA, 'lng').fill('-0.12');
    await field(pageA, 'address').fill('Pier 4, west quay');
    await field(pageA, 'tags').fill('waterfront, west');
    await pageA.getByTestId('register-screen-submit').click();
    const dialog = pageA.getByTestId('provisioning-dialog');
    await dialog.waitFor();
    expect(await pageA.getByTestId('provisioning-once').innerText()).toMatch(/shown only now/);
    const password = await pageA.getByTestId('provisioning-password').innerText();
    expect(await pageA.getByTestId('provisioning-install').inputValue()).toContain(
      'marquee-agent-e2e-pier.json',
    );
    await shot(pageA, 'provisioning');
    const [download] = await Promise.all([
      pageA.waitForEvent('download'),
      pageA.getByTestId('provisioning-download').click(),
    ]);
    expect(download.suggestedFilename()).toBe('marquee-agent-e2e-pier.json');
    const config = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as {
      screenId: string;
      broker: { url: string; username: string; password: string };
      dataDir: string;
    };
    expect(config.screenId).toBe('e2e-pier');
    expect(config.broker.password).toBe(password);
    // Outside systemd the agent needs a data folder it may write; the rest is the download.
    const file = path.join(tmp, 'marquee-agent-e2e-pier.json');
    fs.writeFileSync(file, JSON.stringify({ ...config, dataDir: path.join(tmp, 'agent-data') }));
    agent = runAgent(file);
    const agentStarted = Date.now();

    await pageA.getByTestId('provisioning-close').click();
    expect(await dialog.count()).toBe(0);
    await expect
      .poll(() => tile(pageA, 'e2e-pier').getAttribute('data-state'), poll)
      .toBe('online');
    // The other admin's console, never reloaded.
    await expect
      .poll(() => tile(pageB, 'e2e-pier').getAttribute('data-state'), poll)
      .toBe('online');
    console.log(
      `[admin-screens] agent started → online on the other admin's console: ${Date.now() - agentStarted} ms`,
    );
    await shot(pageB, 'fleet-other-admin');

    // The same id again: a sentence, nothing created.
    await pageA.getByTestId('add-screen').click();
    await field(pageA, 'id').fill('e2e-pier');
    await field(pageA, 'name').fill('Another');
    await pageA.getByTestId('register-screen-submit').click();
    await expect
      .poll(() => pageA.getByTestId('register-screen-error').innerText(), poll)
      .toBe('A screen with the id "e2e-pier" is already registered; choose another id.');
    await pageA.keyboard.press('Escape');
    expect(await screenCount()).toBe(1);
  }, 60_000);

  it('rotating cuts the agent off at once and the console shows it lost', async () => {
    await tile(pageA, 'e2e-pier').click();
    await pageA.getByTestId('screen-admin').waitFor();
    await pageA.getByTestId('screen-admin-rotate').click();
    const started = Date.now();
    await pageA.getByTestId('screen-admin-confirm-yes').click();
    await pageA.getByTestId('provisioning-dialog').waitFor();
    const fresh = await pageA.getByTestId('provisioning-password').innerText();
    expect(fresh).toMatch(/\S{16,}/);
    await shot(pageA, 'rotated');
    await pageA.getByTestId('provisioning-close').click();
    await expect
      .poll(() => tile(pageB, 'e2e-pier').getAttribute('data-state'), poll)
      .toMatch(/^(lost|offline)$/);
    const cutOffMs = Date.now() - started;
    console.log(`[admin-screens] rotate click → other console shows it cut off: ${cutOffMs} ms`);
    // The target for a screen that drops: lost within 2 s (here: rotate → lost).
    expect(cutOffMs).toBeLessThan(2000);
    // The agent keeps trying with the old password and is refused.
    await expect.poll(() => agent!.output(), poll).toMatch(/not authorized|refused|bad user/i);
  }, 30_000);

  it('edits, retires and restores; the other console follows live', async () => {
    await field(pageA, 'name').fill('Pier Gate East');
    await field(pageA, 'tags').fill('waterfront, east');
    await pageA.getByTestId('screen-admin-save').click();
    await pageA.getByTestId('screen-admin-saved').waitFor();
    await expect.poll(() => tile(pageB, 'e2e-pier').innerText(), poll).toContain('Pier Gate East');
    await field(pageA, 'name').fill('');
    await pageA.getByTestId('screen-admin-save').click();
    await expect
      .poll(() => pageA.getByTestId('screen-admin-error').innerText(), poll)
      .toBe('Give the screen a name.');
    expect(server.fleet.state.get('e2e-pier')!.name).toBe('Pier Gate East');
    await shot(pageA, 'detail-panel');

    await pageA.getByTestId('screen-admin-retire').click();
    await pageA.getByTestId('screen-admin-confirm-yes').click();
    await pageA.getByTestId('screen-admin-restore').waitFor();
    // Retired screens leave the other console's wall (shown only with "show retired").
    await expect.poll(() => tile(pageB, 'e2e-pier').count(), poll).toBe(0);
    await pageA.getByTestId('screen-admin-restore').click();
    await pageA.getByTestId('provisioning-dialog').waitFor();
    expect(await pageA.getByTestId('provisioning-dialog').innerText()).toMatch(
      /restored with new credentials/i,
    );
    await pageA.getByTestId('provisioning-close').click();
    await expect.poll(() => tile(pageB, 'e2e-pier').count(), poll).toBe(1);
  }, 30_000);

  it('imports a CSV: the malformed row gets its sentence, good rows are created once', async () => {
    await pageA.goto(`${hostA.url}#/fleet`);
    const csv = [
      'id,name,address,lat,lng,tags',
      'e2e-imp-1,Station Hall,"Platform 1, north",51.2,-0.2,transit;north',
      'e2e-imp-2,Market,,not-a-number,,',
      'e2e-imp-3,Bus Depot,,,,transit',
    ].join('\n');
    const importOnce = async () => {
      await pageA.getByTestId('import-screens').click();
      await pageA.getByTestId('import-csv').fill(csv);
      await pageA.getByTestId('import-submit').click();
      await pageA.getByTestId('import-result').waitFor();
    };
    await importOnce();
    expect(await pageA.getByTestId('import-error').allInnerTexts()).toEqual([
      'Row 3: latitude must be a number from -90 to 90.',
    ]);
    expect(await pageA.getByTestId('import-summary').innerText()).toMatch(
      /2 screens created, 1 row refused/,
    );
    await shot(pageA, 'import-result');
    const [download] = await Promise.all([
      pageA.waitForEvent('download'),
      pageA.getByTestId('import-download-credentials').click(),
    ]);
    const lines = fs
      .readFileSync((await download.path())!, 'utf8')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('id,username,password,broker_url');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['e2e-imp-1', 'e2e-imp-3']);
    await pageA.getByTestId('import-close').click();
    await expect.poll(() => tile(pageB, 'e2e-imp-1').count(), poll).toBe(1);
    await expect.poll(() => tile(pageB, 'e2e-imp-3').count(), poll).toBe(1);

    // Retried (the answer was lost): nothing created twice.
    await importOnce();
    expect(await pageA.getByTestId('import-summary').innerText()).toMatch(
      /0 screens created, 2 already registered by an earlier import/,
    );
    await pageA.getByTestId('import-close').click();
    expect(await screenCount()).toBe(3);

    // A file without the header line: one sentence for the file.
    await pageA.getByTestId('import-screens').click();
    await pageA.getByTestId('import-csv').fill('Station,north');
    await pageA.getByTestId('import-submit').click();
    await expect
      .poll(() => pageA.getByTestId('import-error-file').innerText(), poll)
      .toMatch(/first line must name the columns id,name,address,lat,lng,tags/);
    await pageA.keyboard.press('Escape');
  }, 30_000);

  it('recorded every change in the audit log, without secrets', async () => {
    const rows = await server.ctx
      .knex('audit_log')
      .orderBy('seq')
      .select('action', 'target_id', 'details');
    expect(
      rows.map((r: { action: string; target_id: string }) => `${r.action} ${r.target_id}`),
    ).toEqual([
      'screen.registered e2e-pier',
      'screen.credentials_rotated e2e-pier',
      'screen.updated e2e-pier',
      'screen.retired e2e-pier',
      'screen.restored e2e-pier',
      'screen.imported e2e-imp-1',
      'screen.imported e2e-imp-3',
    ]);
  });
});
