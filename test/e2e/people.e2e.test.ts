/**
 * Issue 11, in Chromium as an admin would: add an advertiser in People (bad input first:
 * sentences, nothing created), grant them one screen; the advertiser signs in in a second
 * browser and sees that screen live and no other; the admin revokes it and it disappears from
 * the advertiser's console; the admin disables the advertiser and their open console is
 * signed out at once with the sentence. Real server, real agent process, two console hosts.
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
import { launchBrowser } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';

const poll = { timeout: 20_000, interval: 100 };
const AD = { name: 'Ada Ads', email: 'ada@adverts.test', password: 'ada-advertiser-1' };

describe('people and who sees what, in Chromium', { timeout: 60_000 }, () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-people-e2e-'));
  let server: TestServer;
  let agent: AgentProcess;
  let hostAdmin: ConsoleHost;
  let hostAd: ConsoleHost;
  let browserAdmin: Awaited<ReturnType<typeof launchBrowser>>;
  let browserAd: Awaited<ReturnType<typeof launchBrowser>>;
  let admin: Page;
  let ad: Page;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    const token = (await login(server)).token;
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'people-1', name: 'Canal Bridge', tags: ['north'] },
      token,
    );
    await api(server, 'POST', '/api/screens', { id: 'people-2', name: 'Opera Steps' }, token);
    agent = await startAgentProcess({
      screenId: 'people-1',
      brokerUrl: server.mqttUrl,
      password: created.body.credentials.password,
    });
    hostAdmin = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'admin'), rendererDir });
    hostAd = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'ad'), rendererDir });
    browserAdmin = await launchBrowser();
    browserAd = await launchBrowser();
    admin = await browserAdmin.context.newPage();
    ad = await browserAd.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browserAdmin?.close();
    await browserAd?.close();
    await agent?.kill('SIGKILL');
    await hostAdmin?.close();
    await hostAd?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function signIn(page: Page, url: string, email: string, password: string) {
    await page.goto(url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), poll)
      .toBe('live');
  }

  const userCount = async () =>
    Number((await server.ctx.knex('users').count<{ n: number }[]>({ n: '*' }))[0]!.n);

  async function addPerson(fields: {
    name: string;
    email: string;
    role: string;
    password: string;
  }) {
    await admin.getByTestId('person-name').fill(fields.name);
    await admin.getByTestId('person-email').fill(fields.email);
    await admin.getByTestId('person-role').selectOption(fields.role);
    await admin.getByTestId('person-password').fill(fields.password);
    await admin.getByTestId('person-create').click();
  }

  it('refuses bad input with sentences and creates nothing, then adds the advertiser', async () => {
    await signIn(admin, hostAdmin.url, ADMIN.email, ADMIN.password);
    await admin.getByTestId('nav-people').click();
    await admin.getByTestId('people-table').waitFor();
    const before = await userCount();
    const error = admin.getByTestId('person-error');
    const cases: [typeof AD & { role: string }, string][] = [
      [{ ...AD, name: '  ', role: 'advertiser' }, 'Enter the person’s name.'],
      [
        { ...AD, email: 'ada-at-adverts', role: 'advertiser' },
        'Enter a valid email address, for example name@example.com.',
      ],
      [
        { ...AD, password: 'short', role: 'advertiser' },
        'A password needs at least 12 characters; leave it empty to have one generated.',
      ],
      [
        { ...AD, email: ADMIN.email, role: 'advertiser' },
        `There is already an account for ${ADMIN.email}.`,
      ],
    ];
    for (const [fields, sentence] of cases) {
      await addPerson(fields);
      await expect.poll(() => error.innerText(), poll).toBe(sentence);
    }
    expect(await userCount()).toBe(before);
    await admin.screenshot({ path: '/tmp/users-people-error.png' });

    await addPerson({ ...AD, role: 'advertiser' });
    const row = admin.locator(`[data-testid="person-row"][data-email="${AD.email}"]`);
    await row.waitFor(poll);
    expect(await row.getByTestId('person-row-role').innerText()).toBe('advertiser');
    expect(await userCount()).toBe(before + 1);
  });

  it('grants a screen: the advertiser sees it live, and no other; a revoke takes it away', async () => {
    // The People view opened the new person; pick the screen by its tag.
    const panel = admin.getByTestId('grants-panel');
    await panel.waitFor(poll);
    await admin.getByTestId('grant-filter').fill('north');
    await expect.poll(() => admin.getByTestId('grant-candidate').count(), poll).toBe(1);
    await admin.getByTestId('grant-pick-all').click();
    await admin.getByTestId('grant-submit').click();
    await admin.locator('[data-testid="grant"][data-screen-id="people-1"]').waitFor(poll);
    await admin.screenshot({ path: '/tmp/users-people.png' });

    await signIn(ad, hostAd.url, AD.email, AD.password);
    const tiles = ad.getByTestId('screen-tile');
    await expect.poll(() => tiles.count(), poll).toBe(1);
    expect(await tiles.first().getAttribute('data-screen-id')).toBe('people-1');
    await expect.poll(() => tiles.first().getAttribute('data-state'), poll).toBe('online');
    // Live: the agent going away shows on the advertiser's console without a reload.
    await agent.kill('SIGKILL');
    await expect.poll(() => tiles.first().getAttribute('data-state'), poll).toMatch(/lost|offline/);
    await ad.screenshot({ path: '/tmp/users-advertiser-fleet.png' });

    const t0 = Date.now();
    await admin.getByTestId('grant-revoke').click();
    await admin.getByTestId('grants-empty').waitFor(poll);
    await expect.poll(() => tiles.count(), poll).toBe(0);
    console.log(
      `[people e2e] revoke → gone from the advertiser's console in ${Date.now() - t0} ms`,
    );
  });

  it('disabling the advertiser signs their open console out at once, with the sentence', async () => {
    await admin.locator(`[data-testid="person-row"][data-email="${AD.email}"] a`).click();
    const t0 = Date.now();
    await admin.getByTestId('person-disable').click();
    await ad.getByTestId('signin-ended').waitFor({ timeout: 5000 });
    const ms = Date.now() - t0;
    expect(await ad.getByTestId('signin-ended').innerText()).toBe(
      'Your account was disabled by an administrator.',
    );
    console.log(`[people e2e] disable → advertiser signed out in ${ms} ms`);
    await expect
      .poll(
        () =>
          admin
            .locator(`[data-testid="person-row"][data-email="${AD.email}"]`)
            .getAttribute('data-disabled'),
        poll,
      )
      .toBe('true');
    await admin.screenshot({ path: '/tmp/users-person-disabled.png' });
  });

  it('shows another admin’s new account without a reload, and keeps the last admin', async () => {
    const other = await api(
      server,
      'POST',
      '/api/users',
      { name: 'Olga Ops', email: 'olga@ops.test', role: 'operator' },
      (await login(server)).token,
    );
    expect(other.status).toBe(201);
    await admin
      .locator('[data-testid="person-row"][data-email="olga@ops.test"]')
      .waitFor({ timeout: 10_000 });

    await admin.locator(`[data-testid="person-row"][data-email="${ADMIN.email}"] a`).click();
    expect(await admin.getByTestId('person-disable').isDisabled()).toBe(true);
    await admin.getByTestId('person-panel-role').selectOption('operator');
    await expect
      .poll(() => admin.getByTestId('person-panel-error').innerText(), poll)
      .toBe(
        'Administrator is the last active admin: make someone else an admin first, so the network always has one.',
      );
    await admin.screenshot({ path: '/tmp/users-last-admin.png' });
  });

  it('changes one’s own password in Settings, with sentences for what is wrong', async () => {
    await admin.getByTestId('nav-settings').click();
    const error = admin.getByTestId('own-password-error');
    const fill = async (current: string, next: string, again = next) => {
      await admin.getByTestId('own-password-current').fill(current);
      await admin.getByTestId('own-password-new').fill(next);
      await admin.getByTestId('own-password-again').fill(again);
      await admin.getByTestId('own-password-submit').click();
    };
    await fill(ADMIN.password, 'short');
    await expect
      .poll(() => error.innerText(), poll)
      .toBe('A password needs at least 12 characters.');
    await fill('not-the-password', 'a-new-admin-password');
    await expect.poll(() => error.innerText(), poll).toBe('The current password is not right.');
    await fill(ADMIN.password, 'a-new-admin-password');
    await admin.getByTestId('own-password-done').waitFor(poll);
    await admin.screenshot({ path: '/tmp/users-settings-password.png' });
    await login(server, { email: ADMIN.email, password: 'a-new-admin-password' });
    const audit = await server.ctx.knex('audit_log').orderBy('seq').pluck('action');
    expect(audit).toEqual(
      expect.arrayContaining([
        'user.created',
        'access.granted',
        'access.revoked',
        'user.disabled',
        'user.password_changed',
      ]),
    );
  });
});
