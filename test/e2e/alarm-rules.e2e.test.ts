/**
 * Alarm rules in Chromium, against a real server and devices over its real MQTT broker: an
 * admin opens Alarm rules in the console, sets a rule on a tag (grace 2 s, fault code FAN
 * ignored) and puts one screen in maintenance. The tagged screen's lost alarm then appears in
 * the Alarms view within seconds (the server's default grace is a minute), its ignored fault
 * raises nothing while another code does, and the screen in maintenance raises nothing and
 * says "In maintenance until …" on its page and in the Alarms view. An operator sees the
 * rules read-only.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { connectDevice, type FakeDevice } from '../helpers/device';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';

const OPERATOR = { email: 'rita@ops.test', password: 'rita-operator-1', name: 'Rita Ops' };
const poll = { timeout: 20_000, interval: 100 };

describe('alarm rules in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-rules-e2e-'));
  let server: TestServer;
  let hostAdmin: ConsoleHost;
  let hostOp: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let admin: Page;
  let op: Page;
  let adminToken: string;
  const devices = new Map<string, FakeDevice>();

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    // A minute of grace by default: only the rule can make an alarm appear within seconds.
    server = await startTestServer('sqlite', { alarmGraceMs: 60_000, sweepMs: 200 });
    adminToken = (await login(server)).token;
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    for (const [id, tags] of [
      ['lobby-1', ['lobby']],
      ['lobby-2', ['lobby']],
      ['plain-1', []],
    ] as const) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${id}`, tags },
        adminToken,
      );
      expect(res.status).toBe(201);
      const device = await connectDevice(server.mqttUrl, id, res.body.credentials.password);
      await device.publishState('online');
      await device.publishTelemetry();
      devices.set(id, device);
    }
    hostAdmin = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'admin'), rendererDir });
    hostOp = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'op'), rendererDir });
    browser = await launchBrowser();
    admin = await browser.context.newPage();
    op = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const d of devices.values()) await d.end().catch(() => {});
    await hostAdmin?.close();
    await hostOp?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const status = (page: Page) =>
    page.getByTestId('connection-indicator').getAttribute('data-status');

  async function signIn(page: Page, url: string, email: string, password: string) {
    await page.getByTestId('signin-server').fill(url);
    await page.getByTestId('signin-email').fill(email);
    await page.getByTestId('signin-password').fill(password);
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => status(page), poll).toBe('live');
  }

  const fault = (id: string, code: string, eventId: string) => {
    const d = devices.get(id)!;
    return d.publishRaw(
      `marquee/v1/screens/${id}/events`,
      JSON.stringify({
        ts: Date.now(),
        bootId: d.bootId,
        seq: d.seq() + 1,
        id: eventId,
        kind: 'fault',
        code,
        severity: 'warning',
        message: `${code} trouble`,
      }),
    );
  };
  const alarmRows = (page: Page, text: string) =>
    page.getByTestId('alarm-row').filter({ hasText: text });

  it('an admin sets a tag rule and a maintenance window, and the alarms follow them', async () => {
    await admin.goto(hostAdmin.url);
    await signIn(admin, server.url, ADMIN.email, ADMIN.password);
    await admin.getByTestId('nav-alarmRules').click();
    await admin.getByTestId('alarm-rules-defaults').waitFor();
    expect(await admin.getByTestId('alarm-rules-defaults').innerText()).toMatch(/grace 60 s/);

    // A rule that sets nothing is refused by the form, in a sentence.
    await admin.getByTestId('rule-target').fill('lobby');
    await admin.getByTestId('rule-save').click();
    await expect
      .poll(() => admin.getByTestId('rule-error').innerText(), poll)
      .toBe('Set at least one value (or delete the rule instead).');

    await admin.getByTestId('rule-graceS').fill('2');
    await admin.getByTestId('rule-ignore').fill('FAN');
    await admin.getByTestId('rule-save').click();
    await expect
      .poll(() => admin.getByTestId('rule-saved').innerText(), poll)
      .toBe('Saved the rule for tag lobby.');
    const row = admin.locator('[data-testid="alarm-rule-row"][data-target="tag:lobby"]');
    await expect
      .poll(() => row.getByTestId('alarm-rule-sets').innerText(), poll)
      .toBe('grace 2 s · ignores FAN');

    await admin.getByTestId('maintenance-target').fill('lobby-2');
    await admin.getByTestId('maintenance-reason').fill('Panel swap');
    await admin.getByTestId('maintenance-save').click();
    await admin.locator('[data-testid="maintenance-row"][data-target="screen:lobby-2"]').waitFor();
    await admin.screenshot({ path: screenshotPath('alarm-rules-view') });

    // Faults: FAN is ignored on the tag, DISK is not.
    await fault('lobby-1', 'FAN', 'ev-fan');
    await fault('lobby-1', 'DISK', 'ev-disk');
    // Every screen loses its connection (Last Will).
    for (const d of devices.values()) d.client.stream.destroy();

    await admin.getByTestId('nav-alarms').click();
    await expect
      .poll(
        () => alarmRows(admin, 'Connection lost').filter({ hasText: 'Screen lobby-1' }).count(),
        poll,
      )
      .toBe(1);
    await expect.poll(() => alarmRows(admin, 'DISK').count(), poll).toBe(1);
    expect(await alarmRows(admin, 'FAN').count()).toBe(0);
    // The screen in maintenance raises nothing; the untagged one waits for its minute.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await alarmRows(admin, 'Screen lobby-2').count()).toBe(0);
    expect(await alarmRows(admin, 'Screen plain-1').count()).toBe(0);
    expect(await server.ctx.knex('alarms').whereIn('screen_id', ['lobby-2', 'plain-1'])).toEqual(
      [],
    );
    expect(await admin.getByTestId('alarms-maintenance').innerText()).toMatch(
      /Screen lobby-2 in maintenance until .+: Panel swap/,
    );
    await admin.screenshot({ path: screenshotPath('alarm-rules-alarms') });

    await admin.goto(`${hostAdmin.url}/#/screens/lobby-2`);
    await expect
      .poll(() => admin.getByTestId('screen-maintenance').innerText(), poll)
      .toMatch(/^In maintenance until .+: Panel swap/);
    await admin.screenshot({ path: screenshotPath('alarm-rules-screen-maintenance') });

    // Ending maintenance in the console: the screen, still lost, alarms under its tag's rule.
    await admin.goto(`${hostAdmin.url}/#/alarm-rules`);
    await admin
      .locator('[data-testid="maintenance-row"][data-target="screen:lobby-2"]')
      .getByTestId('maintenance-end')
      .click();
    await expect.poll(() => admin.getByTestId('maintenance-row').count(), poll).toBe(0);
    await admin.getByTestId('nav-alarms').click();
    await expect.poll(() => alarmRows(admin, 'Screen lobby-2').count(), poll).toBe(1);
    expect(await admin.getByTestId('alarms-maintenance').count()).toBe(0);
  }, 120_000);

  it('shows an operator the rules read-only', async () => {
    await op.goto(hostOp.url);
    await signIn(op, server.url, OPERATOR.email, OPERATOR.password);
    await op.getByTestId('nav-alarmRules').click();
    await op.getByTestId('alarm-rules-readonly').waitFor();
    await expect
      .poll(() => op.getByTestId('alarm-rule-sets').allInnerTexts(), poll)
      .toEqual(['grace 2 s · ignores FAN']);
    expect(await op.getByTestId('rule-form').count()).toBe(0);
    expect(await op.getByTestId('alarm-rule-delete').count()).toBe(0);
  });
});
