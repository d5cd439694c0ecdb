/**
 * Alarm routing in Chromium, against a real server and a real agent process: an admin creates
 * a route for a tag to one operator in the console's Alerting view; the screen with that tag
 * loses its agent (killed); the alarm's toast reaches that operator's console — with the tone
 * for a critical alarm — and not the other operator's, nor the admin's. The admin then finds
 * the delivery in the delivery log. (A rule and a route together: alert-rules-routing.e2e.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Person } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';

const OTTO = { email: 'otto@ops.test', password: 'otto-operator-1', name: 'Otto Ops' };
const PIA = { email: 'pia@ops.test', password: 'pia-operator-12', name: 'Pia Night' };
const poll = { timeout: 20_000, interval: 100 };

describe('alarm routing in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-alerting-e2e-'));
  let server: TestServer;
  let agent: AgentProcess | null = null;
  const hosts: ConsoleHost[] = [];
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let otto: Person;
  const pages = new Map<string, Page>();

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { alarmGraceMs: 300, sweepMs: 200 });
    const token = (await login(server)).token;
    for (const p of [OTTO, PIA]) {
      const res = await api<{ user: Person }>(
        server,
        'POST',
        '/api/users',
        { ...p, role: 'operator' },
        token,
      );
      if (p === OTTO) otto = res.body.user;
    }
    for (const name of ['admin', 'otto', 'pia'])
      hosts.push(await startConsoleHost({ port: 0, dataDir: path.join(tmp, name), rendererDir }));
    browser = await launchBrowser();
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'harbour-9', name: 'Harbour Nine', tags: ['region:harbour'] },
      token,
    );
    agent = await startAgentProcess({
      screenId: 'harbour-9',
      brokerUrl: server.mqttUrl,
      password: created.body.credentials.password,
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.kill('SIGKILL');
    for (const h of hosts) await h.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function signIn(host: ConsoleHost, email: string, password: string): Promise<Page> {
    const open = pages.get(email);
    if (open) return open;
    const page = await browser.context.newPage();
    pages.set(email, page);
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await expect
      .poll(() => page.getByTestId('connection-indicator').getAttribute('data-status'), poll)
      .toBe('live');
    return page;
  }

  const toastTitles = (page: Page) =>
    page.locator('[data-testid="toast"] .toast-title').allInnerTexts();

  it('an admin routes a tag to one operator; the alarm reaches that console only', async () => {
    const admin = await signIn(hosts[0]!, ADMIN.email, ADMIN.password);
    const ottoPage = await signIn(hosts[1]!, OTTO.email, OTTO.password);
    const piaPage = await signIn(hosts[2]!, PIA.email, PIA.password);
    // Operators are offered no Alerting settings.
    expect(await ottoPage.getByTestId('nav-alerting').count()).toBe(0);

    await admin.getByTestId('nav-alerting').click();
    await admin.getByTestId('route-new').click();
    await admin.getByTestId('route-name').fill('Harbour to Otto');
    await admin.getByTestId('route-tags').fill('region:harbour');
    await admin.getByTestId('route-severity').selectOption('warning');
    // A route without anyone to reach is refused with the server's sentence.
    await admin.getByTestId('route-save').click();
    await expect
      .poll(() => admin.getByTestId('route-error').innerText(), poll)
      .toBe('A route needs at least one person or group to reach.');
    await admin.getByTestId('route-step-0').selectOption(`user:${otto.id}`);
    await admin.getByTestId('route-save').click();
    const row = admin.getByTestId('route-row').filter({ hasText: 'Harbour to Otto' });
    await row.waitFor({ timeout: 20_000 });
    expect(await row.getByTestId('route-steps').innerText()).toMatch(
      /^Otto Ops · console · quiet hours: hold$/,
    );
    await admin.screenshot({ path: screenshotPath('alerting-routes') });

    await expect.poll(() => server.fleet.state.get('harbour-9')?.state, poll).toBe('online');
    await agent!.kill('SIGKILL');
    agent = null;

    await expect.poll(() => toastTitles(ottoPage), poll).toContain('Critical: Harbour Nine');
    await ottoPage.screenshot({ path: screenshotPath('alerting-toast') });
    expect(await ottoPage.evaluate(() => window.__marqueeAlarmTones ?? 0)).toBeGreaterThanOrEqual(
      1,
    );
    // The alarm itself is on every staff console (Alarms view); the notification is Otto's only.
    await expect.poll(() => piaPage.getByTestId('nav-alarms').innerText(), poll).toMatch(/1/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await toastTitles(piaPage)).not.toContain('Critical: Harbour Nine');
    expect(await toastTitles(admin)).not.toContain('Critical: Harbour Nine');
    const alarmNotes = await server.ctx
      .knex('notifications')
      .where({ kind: 'alarm' })
      .pluck('user_id');
    expect(alarmNotes).toEqual([otto.id]);

    // The admin reads the delivery in the log, newest first.
    await admin.getByTestId('alerting-tab-log').click();
    const delivered = admin.getByTestId('delivery-row').filter({ hasText: 'Otto Ops' });
    await delivered.first().waitFor({ timeout: 20_000 });
    expect(await delivered.first().getAttribute('data-status')).toBe('delivered');
    expect(await delivered.first().getAttribute('data-channel')).toBe('console');
    await admin.getByTestId('log-status').selectOption('failed');
    await expect.poll(() => admin.getByText('No deliveries match.').count(), poll).toBe(1);
    await admin.screenshot({ path: screenshotPath('alerting-delivery-log') });
  }, 120_000);

  it('an operator sets their own quiet hours in Settings; a bad zone gets a sentence', async () => {
    const page = await signIn(hosts[2]!, PIA.email, PIA.password);
    await page.goto(`${hosts[2]!.url}/#/settings`);
    await page.getByTestId('my-hours-timezone').fill('Mars/Olympus');
    await page.getByTestId('my-hours-save').click();
    await expect
      .poll(() => page.getByTestId('my-hours-error').innerText(), poll)
      .toBe('Unknown time zone: use an IANA name such as Europe/Berlin or UTC.');
    await page.getByTestId('my-hours-timezone').fill('Europe/Berlin');
    await page.getByTestId('my-hours-quiet').check();
    await page.getByTestId('my-hours-quiet-start').fill('22:00');
    await page.getByTestId('my-hours-quiet-end').fill('07:00');
    await page.getByTestId('my-hours-save').click();
    await page.getByTestId('my-hours-saved').waitFor({ timeout: 20_000 });
    const row = await server.ctx
      .knex('alert_contacts')
      .where({ time_zone: 'Europe/Berlin' })
      .first();
    expect(JSON.parse(row.quiet_hours as string)).toEqual({ start: '22:00', end: '07:00' });
  }, 60_000);
});
