/**
 * Issue 13 in Chromium: an admin opens "Screenshot schedules" from the fleet wall, is told the
 * server's sentence for a bad interval, schedules a screenshot every minute of the screens
 * tagged `harbour`, and the real simulated agent with that tag (and not the one without it)
 * uploads a scheduled screenshot that shows in its screen detail, marked "scheduled". The
 * schedule is then removed. An operator sees the schedules but no form. Real server (embedded
 * broker, SQLite, a 200 ms schedule tick), real agents, browser host.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, ScreenshotList } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import { launchBrowser } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';
import { signInThroughForm } from '../helpers/console-sign-in';

const OPERATOR = { email: 'oli@ops.test', password: 'oli-operator-1', name: 'Oli Operator' };
const TAGGED = 'quay-1';
const UNTAGGED = 'mall-1';

describe('screenshot schedules in the console (Chromium)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-shotsched-e2e-'));
  let server: TestServer;
  let adminToken: string;
  const agents: Agent[] = [];
  const hosts: ConsoleHost[] = [];
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let admin: Page;
  let operator: Page;

  const signIn = (page: Page, host: ConsoleHost, email: string, password: string) =>
    signInThroughForm(page, host.url, server.url, { email, password });

  const shotsOf = async (screenId: string) =>
    (
      await api<ScreenshotList>(
        server,
        'GET',
        `/api/screens/${screenId}/screenshots`,
        undefined,
        adminToken,
      )
    ).body.screenshots;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { screenshotScheduleTickMs: 200 });
    adminToken = (await login(server)).token;
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    for (const [id, tags] of [
      [TAGGED, ['harbour', 'north']],
      [UNTAGGED, ['mall']],
    ] as const) {
      const created = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${id}`, tags },
        adminToken,
      );
      const agent = await startAgent(
        parseConfig({
          screenId: id,
          broker: {
            url: server.mqttUrl,
            username: id,
            password: created.body.credentials.password,
          },
          httpUrl: server.url,
          dataDir: path.join(tmp, `agent-${id}`),
          player: { type: 'simulated', faultsPerHour: 0, rebootsPerDay: 0 },
        }),
        { log: createLogger('error') },
      );
      agents.push(agent);
      await agent.firstConnect;
    }
    for (const who of ['admin', 'operator'])
      hosts.push(await startConsoleHost({ port: 0, dataDir: path.join(tmp, who), rendererDir }));
    browser = await launchBrowser();
    admin = await browser.context.newPage();
    operator = await browser.context.newPage();
    await signIn(admin, hosts[0]!, ADMIN.email, ADMIN.password);
    await signIn(operator, hosts[1]!, OPERATOR.email, OPERATOR.password);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const a of agents) await a.stop().catch(() => undefined);
    for (const h of hosts) await h.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('an admin schedules a tag and its screen uploads a scheduled screenshot shown in its detail', async () => {
    // Both screens online before anything is scheduled: neither has a screenshot.
    await admin.goto(`${hosts[0]!.url}/#/fleet`);
    await admin.getByTestId('open-shot-schedules').click();
    await admin.getByRole('heading', { name: 'Screenshot schedules' }).waitFor();
    await admin.getByText('No tag is scheduled').waitFor();

    // Bad input: a sentence (the server's for the interval), and nothing is stored.
    await admin.getByTestId('shot-schedule-minutes').fill('5');
    await admin.getByTestId('shot-schedule-save').click();
    await expect
      .poll(() => admin.getByTestId('shot-schedule-error').textContent(), { timeout: 10_000 })
      .toBe('Name the tag to schedule.');
    await admin.getByTestId('shot-schedule-tag').fill('harbour');
    await admin.getByTestId('shot-schedule-minutes').fill('0');
    await admin.getByTestId('shot-schedule-save').click();
    await expect
      .poll(() => admin.getByTestId('shot-schedule-error').textContent(), { timeout: 10_000 })
      .toBe('Screenshots can be scheduled at most every minute.');
    await admin.getByTestId('shot-schedule-minutes').fill('2.5');
    await admin.getByTestId('shot-schedule-save').click();
    await expect
      .poll(() => admin.getByTestId('shot-schedule-error').textContent(), { timeout: 10_000 })
      .toBe('The interval must be a whole number of minutes.');
    expect(
      (
        await api<{ schedules: unknown[] }>(
          server,
          'GET',
          '/api/screenshot-schedules',
          undefined,
          adminToken,
        )
      ).body.schedules,
    ).toEqual([]);

    // The real one: every minute of the screens tagged harbour.
    await admin.getByTestId('shot-schedule-minutes').fill('1');
    await admin.getByTestId('shot-schedule-save').click();
    await admin
      .locator('[data-testid="shot-schedule-row"][data-tag="harbour"][data-every-minutes="1"]')
      .waitFor({ timeout: 10_000 });
    expect(await admin.getByTestId('shot-schedule-done').textContent()).toBe(
      'Screens tagged harbour are captured every minute.',
    );
    expect(await admin.getByTestId('shot-schedule-row').locator('td').nth(2).textContent()).toBe(
      '1',
    );

    // The tagged screen's detail shows the scheduled screenshot once the agent has uploaded it.
    await admin.goto(`${hosts[0]!.url}/#/screens/${TAGGED}`);
    await admin.getByTestId('screenshot-image').waitFor({ timeout: 30_000 });
    expect(await admin.getByTestId('screenshot-captured-at').textContent()).toMatch(
      /^Captured .+ · 480×270 · scheduled$/,
    );
    const [shot] = await shotsOf(TAGGED);
    expect(shot).toMatchObject({ trigger: 'schedule', width: 480, height: 270 });
    expect(await admin.getByTestId('screenshot-image').getAttribute('data-screenshot-id')).toBe(
      shot!.id,
    );
    // Several ticks later: the untagged screen was never asked, the tagged one once (its
    // newest screenshot is younger than the minute).
    await new Promise((r) => setTimeout(r, 1000));
    expect(await shotsOf(UNTAGGED)).toEqual([]);
    expect(await shotsOf(TAGGED)).toHaveLength(1);
  }, 120_000);

  it('an operator sees the schedules but may not change them', async () => {
    await operator.goto(`${hosts[1]!.url}/#/screenshot-schedules`);
    await operator.locator('[data-testid="shot-schedule-row"][data-tag="harbour"]').waitFor({
      timeout: 10_000,
    });
    expect(await operator.getByTestId('shot-schedule-tag').count()).toBe(0);
    expect(await operator.getByTestId('shot-schedule-delete').count()).toBe(0);
  }, 60_000);

  it('the admin removes the schedule', async () => {
    await admin.goto(`${hosts[0]!.url}/#/screenshot-schedules`);
    await admin.locator('[data-testid="shot-schedule-row"][data-tag="harbour"]').waitFor();
    await admin.getByTestId('shot-schedule-delete').click();
    await admin.getByText('No tag is scheduled').waitFor({ timeout: 10_000 });
    expect(await admin.getByTestId('shot-schedule-done').textContent()).toBe(
      'No more scheduled screenshots of screens tagged harbour.',
    );
    const audit = await server.ctx
      .knex('audit_log')
      .whereIn('action', ['screenshots.scheduled', 'screenshots.unscheduled'])
      .orderBy('seq')
      .select('action', 'target_id');
    expect(audit).toEqual([
      { action: 'screenshots.scheduled', target_id: 'harbour' },
      { action: 'screenshots.unscheduled', target_id: 'harbour' },
    ]);
  }, 60_000);
});
