/**
 * Rules and routing together in Chromium (issue 14, "Done when"): against a real server and a
 * real agent process, an admin sets a rule on a tag in the Alarm rules view (grace 2 s; the
 * server's default is a minute) and a route for that tag to one operator in the Alerting view.
 * The agent of a screen with that tag is killed: the alarm's toast reaches that operator's
 * console within seconds — so under the rule's grace, not the default — and not the other
 * operator's, nor the admin's.
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

const ANNA = { email: 'anna@ops.test', password: 'anna-operator-1', name: 'Anna Lobby' };
const BORIS = { email: 'boris@ops.test', password: 'boris-operator-1', name: 'Boris Other' };
const poll = { timeout: 20_000, interval: 100 };
/** The server's default grace: an alarm sooner than this can only come from the rule. */
const DEFAULT_GRACE_MS = 60_000;

describe('alarm rules and routing together in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-rules-routing-e2e-'));
  let server: TestServer;
  let agent: AgentProcess | null = null;
  const hosts: ConsoleHost[] = [];
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let anna: Person;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { alarmGraceMs: DEFAULT_GRACE_MS, sweepMs: 200 });
    const token = (await login(server)).token;
    for (const p of [ANNA, BORIS]) {
      const res = await api<{ user: Person }>(
        server,
        'POST',
        '/api/users',
        { ...p, role: 'operator' },
        token,
      );
      expect(res.status).toBe(201);
      if (p === ANNA) anna = res.body.user;
    }
    for (const name of ['admin', 'anna', 'boris'])
      hosts.push(await startConsoleHost({ port: 0, dataDir: path.join(tmp, name), rendererDir }));
    browser = await launchBrowser();
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'lobby-7', name: 'Lobby Seven', tags: ['lobby'] },
      token,
    );
    expect(created.status).toBe(201);
    agent = await startAgentProcess({
      screenId: 'lobby-7',
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
    const page = await browser.context.newPage();
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

  it('a tag rule (grace 2 s) and a route for the tag: the alarm reaches the routed console only, within the rule’s grace', async () => {
    const admin = await signIn(hosts[0]!, ADMIN.email, ADMIN.password);
    const annaPage = await signIn(hosts[1]!, ANNA.email, ANNA.password);
    const borisPage = await signIn(hosts[2]!, BORIS.email, BORIS.password);

    // The rule, in the Alarm rules view.
    await admin.getByTestId('nav-alarmRules').click();
    await admin.getByTestId('alarm-rules-defaults').waitFor();
    expect(await admin.getByTestId('alarm-rules-defaults').innerText()).toMatch(/grace 60 s/);
    await admin.getByTestId('rule-target').fill('lobby');
    await admin.getByTestId('rule-graceS').fill('2');
    await admin.getByTestId('rule-save').click();
    await expect
      .poll(() => admin.getByTestId('rule-saved').innerText(), poll)
      .toBe('Saved the rule for tag lobby.');
    await expect
      .poll(
        () =>
          admin
            .locator('[data-testid="alarm-rule-row"][data-target="tag:lobby"]')
            .getByTestId('alarm-rule-sets')
            .innerText(),
        poll,
      )
      .toBe('grace 2 s');

    // The route, in the Alerting view.
    await admin.getByTestId('nav-alerting').click();
    await admin.getByTestId('route-new').click();
    await admin.getByTestId('route-name').fill('Lobby to Anna');
    await admin.getByTestId('route-tags').fill('lobby');
    await admin.getByTestId('route-severity').selectOption('warning');
    await admin.getByTestId('route-step-0').selectOption(`user:${anna.id}`);
    await admin.getByTestId('route-save').click();
    await admin
      .getByTestId('route-row')
      .filter({ hasText: 'Lobby to Anna' })
      .waitFor({ timeout: 20_000 });
    await admin.screenshot({ path: screenshotPath('rules-routing-route') });

    await expect.poll(() => server.fleet.state.get('lobby-7')?.state, poll).toBe('online');
    const killedAt = Date.now();
    await agent!.kill('SIGKILL');
    agent = null;

    await expect.poll(() => toastTitles(annaPage), poll).toContain('Critical: Lobby Seven');
    // Well under the default minute: the tag's rule set the grace.
    expect(Date.now() - killedAt).toBeLessThan(DEFAULT_GRACE_MS / 2);
    await annaPage.screenshot({ path: screenshotPath('rules-routing-toast') });
    const alarm = await server.ctx.knex('alarms').where({ screen_id: 'lobby-7' }).first();
    expect(alarm).toMatchObject({ kind: 'lost', status: 'active' });
    // Raised after the rule's 2 s, measured from when the server learned of the loss.
    expect(Number(alarm.raised_at) - killedAt).toBeGreaterThanOrEqual(2000 - 500);

    // The alarm is on every staff console (Alarms view); the notification is Anna's only.
    await expect.poll(() => borisPage.getByTestId('nav-alarms').innerText(), poll).toMatch(/1/);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await toastTitles(borisPage)).not.toContain('Critical: Lobby Seven');
    expect(await toastTitles(admin)).not.toContain('Critical: Lobby Seven');
    expect(
      await server.ctx.knex('notifications').where({ kind: 'alarm' }).pluck('user_id'),
    ).toEqual([anna.id]);
  }, 120_000);
});
