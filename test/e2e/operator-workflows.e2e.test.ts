/**
 * Issue 11 operator workflows in Chromium, against a real server and real simulated agents
 * (two in-process, one agent process with 1 s telemetry):
 * - an operator selects a tag's screens on the fleet wall, sends a bulk brightness and a bulk
 *   reboot (the confirmation names the count) and sees each screen's result; an empty
 *   selection gets a sentence; the screen detail lists the commands with the sender's name and
 *   its brightness control shows the screen's current value;
 * - the operator starts a conversation about a screen with an advertiser who sees it; the
 *   advertiser's console (a second browser) shows it live and replies; a rename reaches it
 *   live; an empty title and too many people get sentences;
 * - an admin sends an announcement and the advertiser's console shows it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { startAgentProcess, type AgentProcess } from '../helpers/agent-process';
import { startRecordingAgent, type RecordingAgent } from '../helpers/recording-agents';
import { launchBrowser } from '../helpers/browser';
import { ADMIN, api, login, startTestServer, type TestServer } from '../helpers/server';
import { signInThroughForm } from '../helpers/console-sign-in';

const OPERATOR = { email: 'olga@ops.test', password: 'olga-operator-1', name: 'Olga Operator' };
const ADVERTISER = { email: 'ada@adverts.test', password: 'ada-advertiser-1', name: 'Ada Ads' };
const poll = { timeout: 30_000, interval: 100 };
const TAGGED = ['north-1', 'north-2', 'north-3'];

describe('operator workflows in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-ops-e2e-'));
  let server: TestServer;
  let process1: AgentProcess;
  const inProcess: RecordingAgent[] = [];
  const hosts: ConsoleHost[] = [];
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let second: Awaited<ReturnType<typeof launchBrowser>>;
  let op: Page;
  let adm: Page;
  let ad: Page;
  let advertiserId: string;

  const signIn = (page: Page, host: ConsoleHost, email: string, password: string) =>
    signInThroughForm(page, host.url, server.url, { email, password });

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite', { sweepMs: 200 });
    const adminToken = (await login(server)).token;
    const passwords: Record<string, string> = {};
    for (const [id, name, tags] of [
      ['north-1', 'North Gate', ['north']],
      ['north-2', 'North Mall', ['north']],
      ['north-3', 'North Station', ['north']],
      ['south-1', 'South Pier', ['south']],
    ] as const) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name, tags },
        adminToken,
      );
      passwords[id] = res.body.credentials.password;
    }
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    advertiserId = (
      await api<{ user: { id: string } }>(
        server,
        'POST',
        '/api/users',
        { ...ADVERTISER, role: 'advertiser' },
        adminToken,
      )
    ).body.user.id;
    // The advertiser sees North Gate: the admin's conversation with them is about it.
    await api(
      server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [advertiserId], screenId: 'north-1' },
      adminToken,
    );
    // Enough people to go over a conversation's limit (made directly: scrypt for 50 is slow).
    const hash = (await server.ctx.knex('users').where({ email: ADMIN.email }).first())
      .password_hash as string;
    await server.ctx.knex('users').insert(
      Array.from({ length: 50 }, (_, i) => ({
        id: `u_crowd_${i}_${randomBytes(3).toString('hex')}`,
        email: `crowd${i}@ops.test`,
        name: `Crowd ${String(i).padStart(2, '0')}`,
        role: 'operator',
        password_hash: hash,
        created_at: Date.now(),
      })),
    );
    process1 = await startAgentProcess({
      screenId: 'north-1',
      brokerUrl: server.mqttUrl,
      password: passwords['north-1']!,
      telemetryIntervalMs: 1000,
    });
    for (const id of ['north-2', 'north-3', 'south-1'])
      inProcess.push(
        await startRecordingAgent({
          screenId: id,
          brokerUrl: server.mqttUrl,
          password: passwords[id]!,
        }),
      );
    for (const who of ['op', 'adm', 'ad'])
      hosts.push(await startConsoleHost({ port: 0, dataDir: path.join(tmp, who), rendererDir }));
    browser = await launchBrowser();
    second = await launchBrowser();
    op = await browser.context.newPage();
    adm = await browser.context.newPage();
    ad = await second.context.newPage();
    await signIn(op, hosts[0]!, OPERATOR.email, OPERATOR.password);
    await signIn(adm, hosts[1]!, ADMIN.email, ADMIN.password);
    await signIn(ad, hosts[2]!, ADVERTISER.email, ADVERTISER.password);
  }, 180_000);

  afterAll(async () => {
    await second?.close();
    await browser?.close();
    for (const a of inProcess) await a.agent.stop().catch(() => undefined);
    await process1?.kill('SIGKILL');
    for (const h of hosts) await h.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const tile = (id: string) => op.locator(`[data-testid="screen-tile"][data-screen-id="${id}"]`);

  it('sends a bulk brightness and a bulk reboot to a tag’s screens and shows each result', async () => {
    await op.goto(`${hosts[0]!.url}/#/fleet`);
    for (const id of [...TAGGED, 'south-1'])
      await expect.poll(() => tile(id).getAttribute('data-state'), poll).toBe('online');
    await op.getByTestId('bulk-mode').click();
    // Nothing picked yet: a sentence, nothing sent.
    await op.getByTestId('bulk-send').click();
    await expect
      .poll(() => op.getByTestId('bulk-error').innerText(), poll)
      .toBe('Choose at least one screen.');
    expect(await op.getByTestId('bulk-run').count()).toBe(0);

    await op.getByTestId('bulk-select-tag').selectOption('north');
    await expect
      .poll(() => op.getByTestId('bulk-count').innerText(), poll)
      .toBe('3 screens selected');
    expect(
      await op
        .locator('[data-testid="bulk-select"][aria-checked="true"]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-screen-id')).sort()),
    ).toEqual(TAGGED);

    await op.getByTestId('bulk-command-type').selectOption('setBrightness');
    await op.getByTestId('bulk-brightness').fill('35');
    await op.getByTestId('bulk-send').click();
    // Brightness is not disruptive: no question.
    expect(await op.getByTestId('bulk-confirm-question').count()).toBe(0);
    const run = op.getByTestId('bulk-run').first();
    await expect
      .poll(() => run.getByTestId('bulk-succeeded').innerText(), poll)
      .toBe('3 succeeded');
    expect(await run.getByTestId('bulk-failed').innerText()).toBe('0 failed');
    expect(await run.getByTestId('bulk-pending').innerText()).toBe('0 pending');
    expect(
      await run
        .getByTestId('bulk-result')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-screen-id'), e.getAttribute('data-status')]),
        ),
    ).toEqual(TAGGED.map((id) => [id, 'succeeded']));

    await op.getByTestId('bulk-command-type').selectOption('reboot');
    await op.getByTestId('bulk-send').click();
    await expect
      .poll(() => op.getByTestId('bulk-confirm-question').innerText(), poll)
      .toBe('Reboot 3 screens?');
    await op.screenshot({ path: '/tmp/bulk-commands-confirm.png' });
    await op.getByTestId('bulk-confirm').click();
    await expect.poll(() => op.getByTestId('bulk-run').count(), poll).toBe(2);
    const reboot = op.getByTestId('bulk-run').first();
    await expect
      .poll(() => reboot.getByTestId('bulk-succeeded').innerText(), poll)
      .toBe('3 succeeded');
    await op.screenshot({ path: '/tmp/bulk-commands-results.png', fullPage: true });
    // South Pier was not selected: it ran nothing.
    expect(inProcess.find((a) => a.screenId === 'south-1')!.executed).toEqual([]);
    expect(inProcess.find((a) => a.screenId === 'north-2')!.executed.map((c) => c.type)).toEqual([
      'setBrightness',
      'reboot',
    ]);
  }, 120_000);

  it('lists a screen’s commands with who sent them, and opens its controls at the current value', async () => {
    await op.goto(`${hosts[0]!.url}/#/screens/north-1`);
    const items = op.getByTestId('command-status');
    await expect.poll(() => items.count(), poll).toBe(2);
    expect(await op.getByTestId('command-sender').allInnerTexts()).toEqual([
      '· by Olga Operator',
      '· by Olga Operator',
    ]);
    expect(await items.first().getAttribute('data-status')).toBe('succeeded');
    // The control opens at what the screen reports now: the bulk reboot after the bulk 35 %
    // brought the simulated panel back at its power-on brightness (device-agent/README.md).
    const reported = () => String(server.fleet.state.get('north-1')?.telemetry?.display.brightness);
    await expect
      .poll(
        async () => (await op.getByTestId('command-brightness').inputValue()) === reported(),
        poll,
      )
      .toBe(true);
    await op.screenshot({ path: '/tmp/bulk-commands-screen-history.png', fullPage: true });
  });

  let conversationId = '';

  it('starts a conversation about a screen with the advertiser, who sees it live and replies', async () => {
    await ad.goto(`${hosts[2]!.url}/#/messages`);
    await op.goto(`${hosts[0]!.url}/#/screens/north-1`);
    await op.getByTestId('start-conversation-about-screen').click();
    await op.getByTestId('new-conv-screen').waitFor({ timeout: 20_000 });
    expect(await op.getByTestId('new-conv-screen').innerText()).toContain('North Gate');
    const pick = (name: string) =>
      op.locator('.people-list label', { hasText: name }).locator('input').check();

    // Too many people: a sentence, nothing created.
    await op.getByTestId('new-conv-kind-group').click();
    await op.getByTestId('new-conv-filter').fill('Crowd');
    await expect
      .poll(() => op.getByTestId('new-conv-pick-shown').innerText(), poll)
      .toBe('Pick the 50 shown');
    await op.getByTestId('new-conv-pick-shown').click();
    await op.getByTestId('new-conv-start').click();
    await expect
      .poll(() => op.getByTestId('new-conv-error').innerText(), poll)
      .toBe('A conversation has at most 50 people, you included.');
    await op.getByTestId('new-conv-clear').click();
    await op.getByTestId('new-conv-filter').fill('');

    // A title of spaces: a sentence.
    await pick('Ada Ads');
    await op.getByTestId('new-conv-title').fill('   ');
    await op.getByTestId('new-conv-start').click();
    await expect
      .poll(() => op.getByTestId('new-conv-error').innerText(), poll)
      .toBe('Give the conversation a title.');
    const before = await server.ctx.knex('conversations').count<{ n: number }[]>({ n: '*' });

    await op.getByTestId('new-conv-title').fill('North Gate flicker');
    await op.screenshot({ path: '/tmp/conversations-new.png', fullPage: true });
    await op.getByTestId('new-conv-start').click();
    await expect.poll(() => op.url(), poll).toMatch(/#\/messages\/[A-Za-z0-9_-]+$/);
    conversationId = decodeURIComponent(op.url().split('/').at(-1)!);
    const after = await server.ctx.knex('conversations').count<{ n: number }[]>({ n: '*' });
    expect(Number(after[0]!.n)).toBe(Number(before[0]!.n) + 1);

    // The advertiser's open console shows it without reloading, and they reply.
    const item = ad.locator(
      `[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`,
    );
    await expect.poll(() => item.count(), poll).toBe(1);
    expect(await item.innerText()).toContain('North Gate flicker');
    await item.click();
    await ad.getByTestId('composer-input').fill('Yes, it flickers every evening.');
    await ad.getByTestId('composer-send').click();
    await expect
      .poll(() => op.getByTestId('message-item').allInnerTexts(), poll)
      .toEqual([expect.stringContaining('Yes, it flickers every evening.')]);

    // Renamed: an empty title gets a sentence; a new one reaches the advertiser live.
    await op.getByTestId('conv-manage-toggle').click();
    await op.getByTestId('conv-title-input').fill('');
    await op.getByTestId('conv-rename').click();
    await expect
      .poll(() => op.getByTestId('conv-manage-error').innerText(), poll)
      .toBe('Give the conversation a title.');
    await op.getByTestId('conv-title-input').fill('North Gate display');
    await op.getByTestId('conv-rename').click();
    await expect.poll(() => item.innerText(), poll).toContain('North Gate display');
    // Someone added appears live in their open console; removed, the conversation leaves it.
    await adm.goto(`${hosts[1]!.url}/#/messages`);
    const admItem = adm.locator(
      `[data-testid="conversation-item"][data-conversation-id="${conversationId}"]`,
    );
    await op.getByTestId('conv-add').click();
    await expect
      .poll(() => op.getByTestId('conv-manage-error').innerText(), poll)
      .toBe('Choose the person to add first.');
    await op.getByTestId('conv-add-select').selectOption({ label: 'Administrator (admin)' });
    await op.getByTestId('conv-add').click();
    await expect.poll(() => admItem.count(), poll).toBe(1);
    await expect.poll(() => op.getByTestId('conv-participant').count(), poll).toBe(3);
    await op
      .locator('[data-testid="conv-participant"]', { hasText: 'Administrator' })
      .getByTestId('conv-remove')
      .click();
    await expect.poll(() => admItem.count(), poll).toBe(0);
    await expect.poll(() => op.getByTestId('conv-participant').count(), poll).toBe(2);
    await op.screenshot({ path: '/tmp/conversations-manage.png', fullPage: true });
    await ad.screenshot({ path: '/tmp/conversations-advertiser.png', fullPage: true });
  }, 120_000);

  it('lets the advertiser start one about a screen they see, with the people they may reach', async () => {
    await op.goto(`${hosts[0]!.url}/#/messages`);
    await ad.goto(`${hosts[2]!.url}/#/screens/north-1`);
    await ad.getByTestId('start-conversation-about-screen').click();
    const people = ad.locator('.people-list label');
    await expect.poll(() => people.count(), poll).toBeGreaterThan(0);
    // Staff only (no other advertisers), and no group choice.
    expect(await ad.getByTestId('new-conv-kind-group').count()).toBe(0);
    expect((await people.allInnerTexts()).every((t) => /admin|operator/.test(t))).toBe(true);
    await people.filter({ hasText: 'Olga Operator' }).locator('input').check();
    await ad.getByTestId('new-conv-start').click();
    await expect.poll(() => ad.url(), poll).toMatch(/#\/messages\/[A-Za-z0-9_-]+$/);
    const id = decodeURIComponent(ad.url().split('/').at(-1)!);
    expect(id).not.toBe(conversationId);
    await expect
      .poll(
        () => op.locator(`[data-testid="conversation-item"][data-conversation-id="${id}"]`).count(),
        poll,
      )
      .toBe(1);
  }, 120_000);

  it('sends an announcement from the admin console, and another console shows it', async () => {
    await adm.goto(`${hosts[1]!.url}/#/notifications`);
    await adm.getByTestId('announce-send').click();
    await expect
      .poll(() => adm.getByTestId('announce-error').innerText(), poll)
      .toBe('Give the announcement a title.');
    await adm.getByTestId('announce-title').fill('Maintenance tonight');
    await adm.getByTestId('announce-body').fill('The network restarts at 02:00.');
    await adm.getByTestId('announce-send').click();
    await expect
      .poll(() => adm.getByTestId('announce-done').innerText(), poll)
      .toMatch(/^Announced to \d+ people\.$/);
    await adm.screenshot({ path: '/tmp/conversations-announcement.png', fullPage: true });
    await ad.goto(`${hosts[2]!.url}/#/notifications`);
    await expect
      .poll(() => ad.getByTestId('notification-item').allInnerTexts(), poll)
      .toEqual(expect.arrayContaining([expect.stringContaining('Maintenance tonight')]));
    // Operators see no announcement form.
    await op.goto(`${hosts[0]!.url}/#/notifications`);
    await op.getByTestId('notification-item').first().waitFor({ timeout: 20_000 });
    expect(await op.getByTestId('announce-send').count()).toBe(0);

    const actions = await server.ctx
      .knex('audit_log')
      .whereIn('action', [
        'command.sent',
        'conversation.created',
        'conversation.updated',
        'announcement.sent',
      ])
      .select('action', 'actor_name', 'details');
    const count = (a: string) => actions.filter((r) => r.action === a).length;
    // Two bulk commands to three screens: one entry per screen, two request ids.
    const sent = actions.filter((r) => r.action === 'command.sent');
    expect(sent).toHaveLength(6);
    expect(
      new Set(sent.map((r) => (JSON.parse(r.details as string) as { requestId: string }).requestId))
        .size,
    ).toBe(2);
    expect(count('conversation.created')).toBe(3);
    expect(count('conversation.updated')).toBe(3);
    expect(count('announcement.sent')).toBe(1);
  }, 120_000);
});
