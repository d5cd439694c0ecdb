/**
 * Problems first, alarms at volume and the keyboard (issue 11), in Chromium against a real
 * server and real simulated agent processes: two are killed (lost), one reports a fault.
 * The operator sorts the wall by trouble, saves a view and finds it after a reload, filters
 * alarms by severity, acknowledges several at once, writes a note, sees names not ids, and
 * drives the console from the keyboard (? sheet, Ctrl+K palette, / search, j/k, Enter, Esc).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { ALARM_NOTE_MAX } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { launchBrowser } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';

const poll = { timeout: 30_000, interval: 150 };
const SCREENS = [
  { id: 'wall-ok', name: 'Harbour Front', tags: ['north'] },
  { id: 'wall-lost-1', name: 'Canal Bridge', tags: ['north'] },
  { id: 'wall-lost-2', name: 'Opera Steps', tags: ['south'] },
  { id: 'wall-fault', name: 'Market Hall', tags: ['south'] },
];

describe('fleet wall, alarms at volume and keyboard in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-wall-e2e-'));
  let server: TestServer;
  let host: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let adminName: string;
  const agents: AgentProcess[] = [];

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { alarmGraceMs: 500, sweepMs: 200 });
    const session = await login(server);
    adminName = session.user.name;
    for (const s of SCREENS) {
      const created = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        s,
        session.token,
      );
      agents.push(
        await startAgentProcess({
          screenId: s.id,
          brokerUrl: server.mqttUrl,
          password: created.body.credentials.password,
          // The faulty one reports a fault on its first slot; the others never do.
          player:
            s.id === 'wall-fault'
              ? { faultsPerHour: 3600, slotMs: 1000, rebootsPerDay: 0 }
              : { faultsPerHour: 0, rebootsPerDay: 0 },
        }),
      );
    }
    host = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'host'), rendererDir });
    browser = await launchBrowser();
    page = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const a of agents) await a.kill('SIGKILL');
    await host?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const tileIds = () =>
    page.$$eval('[data-testid="screen-tile"]', (els) =>
      els.map((e) => (e as HTMLElement).dataset.screenId),
    );
  const focused = () =>
    page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el?.dataset.screenId ?? el?.dataset.alarmId ?? el?.dataset.testid ?? el?.tagName;
    });

  it('sorts by trouble: lost and faulted screens first, lost tiles say stale', async () => {
    await page.goto(host.url);
    await page.getByTestId('signin-server').fill(server.url);
    await page.getByTestId('signin-email').fill(ADMIN.email);
    await page.getByTestId('signin-password').fill(ADMIN.password);
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('fleet-count-online').innerText(), poll).toBe('4');

    // Two agents die (no goodbye): their Last Will makes them lost.
    await agents[1]!.kill('SIGKILL');
    await agents[2]!.kill('SIGKILL');
    await expect.poll(() => page.getByTestId('fleet-count-lost').innerText(), poll).toBe('2');
    const faultTile = page.locator('[data-screen-id="wall-fault"]');
    await expect.poll(() => faultTile.getByTestId('tile-alarm').count(), poll).toBe(1);

    await page.getByTestId('fleet-sort').selectOption('trouble');
    await expect
      .poll(async () => (await tileIds()).slice(0, 3), poll)
      .toEqual([
        expect.stringMatching(/^wall-lost-/),
        expect.stringMatching(/^wall-lost-/),
        'wall-fault',
      ]);
    expect((await tileIds())[3]).toBe('wall-ok');
    // Grouped under headers, problems first.
    const groups = await page.getByTestId('fleet-group').allTextContents();
    expect(groups.map((g) => g.replace(/\s+/g, ' ').trim())).toEqual([
      'Lost 2',
      'Warning 1',
      'All well 1',
    ]);
    // A faulted screen that still reports is online, but not "all green".
    expect(await faultTile.getAttribute('data-state')).toBe('online');
    expect(await faultTile.getAttribute('class')).toMatch(/alarm-warning/);
    const lost = page.locator('[data-screen-id="wall-lost-1"]');
    expect(await lost.getByTestId('stale-mark').count()).toBe(1);
    expect(await lost.getByTestId('tile-seen').innerText()).toMatch(/^last seen \d+ s ago$/);
    expect(await lost.innerText()).toMatch(/last known/i);
    expect(await page.locator('[data-screen-id="wall-ok"]').getByTestId('stale-mark').count()).toBe(
      0,
    );
    await page.screenshot({ path: '/tmp/wall-fleet.png' });
  });

  it('saves the filters as a named view that is there after a reload', async () => {
    await page.getByTestId('fleet-view-save').click();
    expect(await page.getByTestId('fleet-view-error').innerText()).toBe(
      'Give the view a name, for example “Lost in the north”.',
    );
    await page.getByTestId('fleet-view-name').fill('x'.repeat(61));
    await page.getByTestId('fleet-view-save').click();
    expect(await page.getByTestId('fleet-view-error').innerText()).toMatch(
      /limited to 60 characters/,
    );
    await page.getByTestId('fleet-view-name').fill('Trouble in the south');
    await page.getByTestId('fleet-filter-tag').selectOption('south');
    await page.getByTestId('fleet-view-save').click();
    expect(await page.getByTestId('fleet-view-error').count()).toBe(0);

    await page.reload();
    await page.getByTestId('fleet-view-select').waitFor({ timeout: 20_000 });
    // Reloaded: the wall is back to its defaults, and the view is kept.
    expect(await page.getByTestId('fleet-sort').inputValue()).toBe('name');
    await page.getByTestId('fleet-view-select').selectOption('Trouble in the south');
    expect(await page.getByTestId('fleet-sort').inputValue()).toBe('trouble');
    await expect.poll(tileIds, poll).toEqual(['wall-lost-2', 'wall-fault']);
  });

  it('filters alarms by severity, acknowledges several at once, notes one, shows names', async () => {
    await page.getByTestId('nav-alarms').click();
    const rows = page.getByTestId('alarm-row');
    await expect.poll(() => rows.count(), poll).toBeGreaterThanOrEqual(3);
    await page.getByTestId('alarm-filter-severity').selectOption('critical');
    await expect.poll(() => rows.count(), poll).toBe(2);
    await page.getByTestId('alarm-select-all').check();
    expect(await page.getByTestId('alarm-bulk-ack').innerText()).toBe('Acknowledge 2');
    await page.getByTestId('alarm-bulk-ack').click();
    await expect
      .poll(
        () => page.locator('[data-testid="alarm-row"][data-status="acknowledged"]').count(),
        poll,
      )
      .toBe(2);
    for (const text of await page.getByTestId('alarm-acked-by').allInnerTexts())
      expect(text.trim()).toBe(`· acknowledged by ${adminName}`);
    // Screens by name, never by id.
    const screenLinks = await page.locator('.alarm-screen').allInnerTexts();
    expect(screenLinks.sort()).toEqual(['Canal Bridge', 'Opera Steps']);

    await page.getByTestId('alarm-filter-severity').selectOption('warning');
    const fault = rows.filter({ hasText: 'Market Hall' }).first();
    await fault.getByTestId('alarm-note-open').click();
    await fault.getByTestId('alarm-note-input').fill('y'.repeat(ALARM_NOTE_MAX + 1));
    await fault.getByTestId('alarm-note-save').click();
    await expect
      .poll(() => fault.getByTestId('alarm-note-error').innerText(), poll)
      .toBe(`Notes are limited to ${ALARM_NOTE_MAX} characters; shorten it.`);
    await fault.getByTestId('alarm-note-input').fill('Media player swapped, watching it');
    await fault.getByTestId('alarm-note-save').click();
    await expect
      .poll(() => fault.getByTestId('alarm-note').allInnerTexts(), poll)
      .toEqual([expect.stringContaining(`Media player swapped, watching it — ${adminName}`)]);
    await page.screenshot({ path: '/tmp/wall-alarms.png' });

    // The server recorded both actions in the audit log.
    const audit = await server.ctx.knex('audit_log').select('action');
    const actions = audit.map((r: { action: string }) => r.action);
    expect(actions.filter((a) => a === 'alarm.acknowledged')).toHaveLength(2);
    expect(actions).toContain('alarm.noted');
  });

  it('drives the console from the keyboard', async () => {
    // j/k through the alarm list, Enter opens the alarm's screen.
    await page.getByTestId('alarm-filter-severity').selectOption('all');
    await expect.poll(() => page.getByTestId('alarm-row').count(), poll).toBeGreaterThanOrEqual(3);
    await page.locator('main').focus();
    await page.keyboard.press('j');
    const firstAlarm = await focused();
    expect(await page.locator(`[data-alarm-id="${firstAlarm}"]`).count()).toBe(1);
    await page.keyboard.press('j');
    await expect.poll(focused, poll).not.toBe(firstAlarm);
    await page.keyboard.press('k');
    await expect.poll(focused, poll).toBe(firstAlarm);
    const alarmScreen = await page
      .locator(`[data-alarm-id="${firstAlarm}"] .alarm-screen`)
      .getAttribute('href');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash), poll).toBe(alarmScreen);
    await page.evaluate(() => history.back());
    await page.getByTestId('alarm-filter-severity').waitFor({ timeout: 10_000 });

    await page.keyboard.press('?');
    await page.getByTestId('shortcut-sheet').waitFor({ timeout: 5000 });
    await page.screenshot({ path: '/tmp/wall-shortcuts.png' });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('shortcut-sheet').count(), poll).toBe(0);

    await page.keyboard.press('Control+k');
    await page.getByTestId('palette-input').fill('harbr');
    await expect
      .poll(() => page.getByTestId('palette-item').first().innerText(), poll)
      .toContain('Harbour Front');
    await page.screenshot({ path: '/tmp/wall-palette.png' });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash), poll).toBe('#/screens/wall-ok');
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).innerText(), poll)
      .toBe('Harbour Front');

    // Esc goes back to the wall; `/` focuses its search; j/k move through the tiles.
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => location.hash), poll).toBe('#/fleet');
    await page.keyboard.press('/');
    expect(await focused()).toBe('fleet-search');
    await page.keyboard.press('Escape'); // leaves the field, stays on the wall
    expect(await page.evaluate(() => location.hash)).toBe('#/fleet');
    const order = await tileIds();
    await page.keyboard.press('j');
    expect(await focused()).toBe(order[0]);
    await page.keyboard.press('j');
    await expect.poll(focused, poll).toBe(order[1]);
    await page.keyboard.press('k');
    await expect.poll(focused, poll).toBe(order[0]);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => location.hash), poll).toBe(`#/screens/${order[0]}`);
  });
});
