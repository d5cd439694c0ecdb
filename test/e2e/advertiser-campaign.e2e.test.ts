/**
 * The advertiser's console in Chromium (issue 12): a campaign booked on a tag, real agents
 * playing over the real broker (one the advertiser's campaign, one another advertiser's). The
 * advertiser signs in and lands on their home: the booked screens live, "Your creative" on the
 * screen playing theirs, the other one unnamed. One agent crashes → its tile turns lost and the
 * outage shows in the booking's outages and the delivery view's missed screens. The advertiser
 * writes to the operators about that screen; the operator finds it under Messages → Waiting for
 * you and answers; the advertiser reads the answer. A booking conversation starts the same way.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser, screenshotPath } from '../helpers/browser';
import { api, login, startTestServer, waitFor, type TestServer } from '../helpers/server';
import { signInThroughForm } from '../helpers/console-sign-in';

const OPERATOR = { email: 'olga@ops.test', password: 'olga-operator-12', name: 'Olga Ops' };
const ADVERTISER = { email: 'ben@beta.test', password: 'ben-advertiser-1', name: 'Ben Beta' };
const poll = { timeout: 20_000, interval: 100 };
const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe('the advertiser console in Chromium', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-adconsole-e2e-'));
  let server: TestServer;
  let adHost: ConsoleHost;
  let opHost: ConsoleHost;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let ad: Page;
  let op: Page;
  let bookingId: string;
  const agents = new Map<string, Agent>();

  async function startPlayer(id: string, password: string, campaignId: string, title: string) {
    const agent = await startAgent(
      parseConfig({
        screenId: id,
        broker: { url: server.mqttUrl, username: id, password },
        dataDir: path.join(tmp, id),
        player: {
          type: 'simulated',
          slotMs: 300,
          faultsPerHour: 0,
          rebootsPerDay: 0,
          playlist: [{ campaignId, creativeId: `cr-${campaignId}`, title }],
        },
      }),
      { log: createLogger('error') },
    );
    agents.set(id, agent);
    await agent.firstConnect;
  }

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    const admin = (await login(server)).token;
    const post = async <T>(p: string, body: unknown) => {
      const res = await api<T>(server, 'POST', p, body, admin);
      if (res.status >= 300) throw new Error(`${p}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    await post('/api/users', { ...OPERATOR, role: 'operator' });
    const ben = await post<{ user: { id: string } }>('/api/users', {
      ...ADVERTISER,
      role: 'advertiser',
    });
    await post('/api/organizations', { id: 'org-beta', name: 'Beta Bikes' });
    await post('/api/organizations', { id: 'org-rival', name: 'Rival Cola Inc' });
    await api(
      server,
      'PUT',
      `/api/admin/users/${ben.user.id}/organization`,
      { organizationId: 'org-beta' },
      admin,
    );
    await post('/api/campaigns', {
      id: 'cmp-beta',
      organizationId: 'org-beta',
      name: 'Beta Spring',
    });
    await post('/api/campaigns', { id: 'cmp-rival', organizationId: 'org-rival', name: 'Rival' });
    const creds: Record<string, string> = {};
    for (const [id, tags] of [
      ['mall-a', ['mall']],
      ['mall-b', ['mall']],
      ['station', ['rail']],
    ] as const) {
      const res = await post<CreateScreenResponse>('/api/screens', {
        id,
        name: `Screen ${id}`,
        tags,
      });
      creds[id] = res.credentials.password;
    }
    // Booked after the screens exist: the booking is what puts them in the advertiser's live view.
    const booked = await post<{ booking: { id: string } }>('/api/bookings', {
      campaignId: 'cmp-beta',
      tags: ['mall'],
      startsOn: day(-1),
      endsOn: day(1),
      contractedPlays: 1000,
    });
    bookingId = booked.booking.id;
    await startPlayer('mall-a', creds['mall-a']!, 'cmp-beta', 'Spring ride');
    await startPlayer('mall-b', creds['mall-b']!, 'cmp-rival', 'Rival Cola summer');
    await startPlayer('station', creds['station']!, 'cmp-beta', 'Spring ride');
    adHost = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'ad'), rendererDir });
    opHost = await startConsoleHost({ port: 0, dataDir: path.join(tmp, 'op'), rendererDir });
    browser = await launchBrowser();
    ad = await browser.context.newPage();
    op = await browser.context.newPage();
  }, 120_000);

  afterAll(async () => {
    for (const a of agents.values()) await a.stop().catch(() => undefined);
    await browser?.close();
    await adHost?.close();
    await opHost?.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const signIn = (page: Page, host: ConsoleHost, who: { email: string; password: string }) =>
    signInThroughForm(page, host.url, server.url, who);
  const tile = (id: string) => ad.locator(`[data-testid="booked-screen"][data-screen-id="${id}"]`);

  it('lands the advertiser on their booked screens, live, with their creative named', async () => {
    await signIn(ad, adHost, ADVERTISER);
    // No navigation: an advertiser with campaigns lands on their home.
    await ad.getByTestId('advertiser-home').waitFor(poll);
    expect(await ad.locator('[data-campaign]').count()).toBe(1);
    await ad.getByTestId('advertiser-booking').waitFor(poll);
    await expect.poll(() => ad.getByTestId('booked-screen').count(), poll).toBe(2);
    await expect.poll(() => tile('mall-a').getAttribute('data-state'), poll).toBe('online');
    await expect.poll(() => tile('mall-b').getAttribute('data-state'), poll).toBe('online');
    await expect
      .poll(() => tile('mall-a').getByTestId('now-playing').innerText(), poll)
      .toBe('Your creative: Spring ride');
    await expect
      .poll(() => tile('mall-b').getByTestId('now-playing').innerText(), poll)
      .toBe("Another advertiser's content");
    // The other advertiser's campaign and the unbooked screen are not shown.
    const text = await ad.getByTestId('advertiser-home').innerText();
    expect(text).not.toMatch(/Rival/);
    expect(await tile('station').count()).toBe(0);
    // Delivery against contract: the operators' delivery view.
    expect(await ad.getByTestId('contracted').innerText()).toBe('1000');
    await waitFor(
      async () => {
        await ad.getByRole('button', { name: 'Refresh' }).click();
        return Number(await ad.getByTestId('delivered').innerText()) > 0;
      },
      20_000,
      'delivered plays in the advertiser view',
    );
    await ad.screenshot({ path: screenshotPath('advertiser-home') });
  }, 90_000);

  it('shows a crashed screen lost, and the outage in the booking and the delivery view', async () => {
    agents.get('mall-a')!.destroy();
    agents.delete('mall-a');
    await expect.poll(() => tile('mall-a').getAttribute('data-state'), poll).toBe('lost');
    expect(await tile('mall-a').getByTestId('now-playing').innerText()).toBe(
      'Nothing reported (screen lost)',
    );
    // The report is asked again when a booked screen changes state.
    const outage = ad.locator('[data-testid="booking-outages"] li[data-screen="mall-a"]');
    await expect.poll(() => outage.count(), poll).toBe(1);
    expect(await outage.getByTestId('booking-outage').first().getAttribute('data-state')).toBe(
      'lost',
    );
    expect(await outage.innerText()).toMatch(/still out/);
    const missed = ad.locator('[data-testid="missed"] li[data-screen="mall-a"]');
    await expect.poll(() => missed.innerText(), poll).toMatch(/outages.*lost/s);
    expect(await tile('mall-b').getAttribute('data-state')).toBe('online');
    await ad.screenshot({ path: screenshotPath('advertiser-outage') });
  }, 60_000);

  it('the advertiser writes to the operators about the lost screen; the operator answers', async () => {
    await tile('mall-a').getByTestId('message-operators-screen').click();
    await tile('mall-a')
      .getByTestId('message-operators-person')
      .selectOption({ label: `${OPERATOR.name} (operator)` });
    await tile('mall-a').getByTestId('message-operators-go').click();
    await ad.getByTestId('thread').waitFor(poll);
    await expect
      .poll(() => ad.getByTestId('conversation-about').innerText(), poll)
      .toContain('Screen mall-a');
    const question = 'Screen mall-a went dark during our booking — will the plays be made up?';
    await ad.getByTestId('composer-input').fill(question);
    await ad.getByTestId('composer-send').click();
    await expect
      .poll(() => ad.locator('[data-testid="message-item"][data-pending="false"]').count(), poll)
      .toBe(1);

    await signIn(op, opHost, OPERATOR);
    await op.getByTestId('nav-messages').click();
    const waiting = op.getByTestId('waiting-item');
    await expect.poll(() => waiting.count(), poll).toBe(1);
    expect(await waiting.innerText()).toContain(ADVERTISER.name);
    await waiting.click();
    await expect
      .poll(() => op.getByTestId('thread').innerText(), poll)
      .toContain('will the plays be made up?');
    expect(await op.getByTestId('conversation-about').innerText()).toContain('Screen mall-a');
    const answer = 'A technician is on the way; the missed plays are added to your flight.';
    await op.getByTestId('composer-input').fill(answer);
    await op.getByTestId('composer-send').click();
    await expect.poll(() => waiting.count(), poll).toBe(0);
    await op.screenshot({ path: screenshotPath('advertiser-operator-answer') });

    await expect.poll(() => ad.getByTestId('thread').innerText(), poll).toContain(answer);
    await ad.screenshot({ path: screenshotPath('advertiser-answer') });

    // Back home, the screen's button now opens that conversation instead of starting another.
    await ad.getByTestId('nav-campaigns').click();
    const again = tile('mall-a').getByTestId('message-operators-screen');
    await expect.poll(() => again.getAttribute('data-conversation-id'), poll).not.toBeNull();
  }, 90_000);

  it('a booking conversation starts the same way and is about the booking', async () => {
    await ad.getByTestId('message-operators-booking').click();
    const start = ad.locator('[data-testid="message-operators-start"][data-about="booking"]');
    await start
      .getByTestId('message-operators-person')
      .selectOption({ label: `${OPERATOR.name} (operator)` });
    await start.getByTestId('message-operators-go').click();
    await ad.getByTestId('thread').waitFor(poll);
    await expect
      .poll(() => ad.getByTestId('conversation-about').innerText(), poll)
      .toContain(bookingId);
    await ad.getByTestId('composer-input').fill('Can we add the rail screens to this booking?');
    await ad.getByTestId('composer-send').click();
    await expect.poll(() => op.getByTestId('waiting-item').count(), poll).toBe(1);
  }, 60_000);
});
