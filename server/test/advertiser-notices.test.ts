/**
 * Notices to advertisers about their booked screens (issue 12), on a real server (SQLite and
 * PostgreSQL) with real MQTT devices over the embedded broker, and the campaigns feature's
 * clock moved by the test: a booked screen lost in a booked hour tells each advertiser of the
 * organization once (not another organization's, not for an unbooked screen or outside the
 * daypart), a flap stays one notice, its return one "back on air", quiet hours hold a notice
 * until they end, and a server restart in between neither loses nor doubles one.
 *
 * The test's time is three days ahead of the real one, so what the restarted server does at
 * its real start (its first sweep) sees nothing due yet: only the moved clock makes it due.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Notification } from '../../protocol';
import { saveContact } from '../src/alerting/contacts-repo';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, login, startRestartableServer, waitFor } from '../../test/helpers/server';

const DAY = 86_400_000;
const MIN = 60_000;
const date = (ts: number) => new Date(ts).toISOString().slice(0, 10);
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

describe.each(testDatabases())('notices to advertisers about booked screens (%s)', (dbKind) => {
  let srv: Awaited<ReturnType<typeof startRestartableServer>>;
  let admin: string;
  const creds: Record<string, string> = {};
  const devices = new Map<string, FakeDevice>();
  const people: Record<string, { id: string; token: string; org: string }> = {};
  // 08:00 UTC, three days from now: inside the 07:00–10:00 daypart of the bookings below.
  const day = date(Date.now() + 3 * DAY);
  const T0 = Date.parse(`${day}T08:00:00Z`);

  const as = <T>(token: string, method: string, p: string, body?: unknown) =>
    api<T>(srv, method, p, body, token);
  const setClock = (at: number) => {
    srv.server.campaigns.clock.now = () => at;
  };
  /** The booking notices a person got (title says "during" or "back on air"). */
  async function notices(who: string): Promise<Notification[]> {
    await srv.server.campaigns.notices.idle();
    const res = await as<{ notifications: Notification[] }>(
      people[who]!.token,
      'GET',
      '/api/notifications?limit=100',
    );
    expect(res.status).toBe(200);
    return res.body.notifications
      .filter((n) => / during "|back on air/.test(n.title))
      .sort((a, b) => a.createdAt - b.createdAt);
  }
  async function setState(screenId: string, state: 'online' | 'lost' | 'offline', at: number) {
    setClock(at);
    let d = devices.get(screenId);
    if (!d) {
      d = await connectDevice(srv.mqttUrl, screenId, creds[screenId]!, { will: false });
      devices.set(screenId, d);
    }
    await d.publishState(state);
    await waitFor(
      () => srv.server.fleet.state.get(screenId)?.state === state,
      10_000,
      `${screenId} ${state}`,
    );
    await srv.server.campaigns.notices.idle();
  }
  async function sweepAt(at: number) {
    setClock(at);
    await srv.server.campaigns.notices.sweep();
  }
  async function advertiser(key: string, org: string) {
    const email = `${key}@${org}.test`;
    const made = await as<{ user: { id: string } }>(admin, 'POST', '/api/users', {
      email,
      name: key,
      role: 'advertiser',
      password: 'a-long-password-1',
    });
    expect(made.status).toBe(201);
    const set = await as(admin, 'PUT', `/api/admin/users/${made.body.user.id}/organization`, {
      organizationId: org,
    });
    expect(set.status).toBe(200);
    people[key] = { id: made.body.user.id, token: '', org };
  }
  async function loginAll() {
    for (const [key, p] of Object.entries(people))
      p.token = (
        await login(srv, { email: `${key}@${p.org}.test`, password: 'a-long-password-1' })
      ).token;
  }

  beforeAll(async () => {
    srv = await startRestartableServer(dbKind);
    admin = (await login(srv)).token;
    for (const [id, name] of [
      ['north-gate', 'North Gate'],
      ['east-wall', 'East Wall'],
      ['south-gate', 'South Gate'],
      ['plain', 'Plain Screen'],
    ] as const) {
      const res = await as<CreateScreenResponse>(admin, 'POST', '/api/screens', { id, name });
      expect(res.status).toBe(201);
      creds[id] = res.body.credentials.password;
    }
    for (const [id, name] of [
      ['org-a', 'Alpha Drinks'],
      ['org-b', 'Beta Cars'],
    ])
      expect((await as(admin, 'POST', '/api/organizations', { id, name })).status).toBe(201);
    await advertiser('a1', 'org-a');
    await advertiser('a2', 'org-a');
    await advertiser('b1', 'org-b');
    await loginAll();
    // a2 sleeps 06:00–09:00 UTC (an advertiser's hours live in the alerting contacts).
    await saveContact(
      srv.server.ctx.knex,
      people.a2!.id,
      { timeZone: 'UTC', quietHours: { start: '06:00', end: '09:00' }, workingHours: null },
      Date.now(),
    );
    for (const [id, organizationId, name] of [
      ['cmp-summer', 'org-a', 'summer'],
      ['cmp-beta', 'org-b', 'beta'],
    ] as const)
      expect((await as(admin, 'POST', '/api/campaigns', { id, organizationId, name })).status).toBe(
        201,
      );
    const book = async (body: object) =>
      expect(
        (
          await as(admin, 'POST', '/api/bookings', {
            startsOn: day,
            endsOn: date(T0 + DAY),
            timeZone: 'UTC',
            ...body,
          })
        ).status,
      ).toBe(201);
    // 120 contracted plays over 2 days × 3 booked hours on one screen: 20 an hour.
    await book({
      campaignId: 'cmp-summer',
      screenIds: ['north-gate'],
      dayparts: [{ days: ALL_DAYS, start: '07:00', end: '10:00' }],
      contractedPlays: 120,
    });
    await book({
      campaignId: 'cmp-summer',
      screenIds: ['east-wall'],
      dayparts: [{ days: ALL_DAYS, start: '18:00', end: '20:00' }],
    });
    await book({ campaignId: 'cmp-beta', screenIds: ['south-gate'] });
    for (const id of Object.keys(creds)) await setState(id, 'online', T0 - 60 * MIN);
  }, 60_000);

  afterAll(async () => {
    for (const d of devices.values()) await d.end().catch(() => {});
    await srv?.stop();
  });

  it('one notice per advertiser of the organization, held in quiet hours, one after a flap and a restart, then one "back"', async () => {
    // North Gate lost at 08:00, inside the booked 07:00–10:00.
    await setState('north-gate', 'lost', T0);
    const a1 = await notices('a1');
    expect(a1).toHaveLength(1);
    expect(a1[0]!.title).toBe('North Gate is offline during "summer"');
    expect(a1[0]!.body).toMatch(/^North Gate is offline \(connection lost\) during your booking/);
    expect(a1[0]!.body).toMatch(/Mon–Sun 07:00–10:00, UTC/);
    expect(a1[0]!.body).toMatch(/about 20 plays per booked hour are not being delivered/);
    expect(a1[0]!.ref).toEqual({ type: 'screen', id: 'north-gate' });
    // a2 is in quiet hours: held. b1 (another organization) hears nothing.
    expect(await notices('a2')).toEqual([]);
    expect(await notices('b1')).toEqual([]);

    // A flap: back for 2 minutes, lost again — the same outage, no second notice.
    await setState('north-gate', 'online', T0 + 2 * MIN);
    await setState('north-gate', 'lost', T0 + 4 * MIN);
    await sweepAt(T0 + 5 * MIN);
    expect(await notices('a1')).toHaveLength(1);
    expect(await notices('a2')).toEqual([]);

    // A screen nobody booked, and a booked one outside its daypart (18:00–20:00): nothing.
    await setState('plain', 'lost', T0 + 6 * MIN);
    await setState('east-wall', 'offline', T0 + 6 * MIN);
    for (const who of ['a1', 'a2', 'b1'])
      expect(await notices(who)).toHaveLength(who === 'a1' ? 1 : 0);

    // Restart while a2's notice is held.
    for (const d of devices.values()) await d.end();
    devices.clear();
    await srv.stopServer();
    await srv.startAgain();
    admin = (await login(srv)).token;
    await loginAll();
    await sweepAt(T0 + 30 * MIN);
    expect(await notices('a1')).toHaveLength(1);
    expect(await notices('a2')).toEqual([]);

    // a2's quiet hours end at 09:00: the held notice arrives once, however often we sweep.
    await sweepAt(T0 + 60 * MIN);
    await sweepAt(T0 + 61 * MIN);
    const a2 = await notices('a2');
    expect(a2).toHaveLength(1);
    expect(a2[0]!.body).toBe(a1[0]!.body);
    expect(await notices('a1')).toHaveLength(1);

    // North Gate returns at 09:10; "back on air" once it has stayed back for the flap window.
    await setState('north-gate', 'online', T0 + 70 * MIN);
    await sweepAt(T0 + 75 * MIN);
    expect(await notices('a1')).toHaveLength(1);
    await sweepAt(T0 + 81 * MIN);
    await sweepAt(T0 + 90 * MIN);
    for (const who of ['a1', 'a2']) {
      const got = await notices(who);
      expect(got, who).toHaveLength(2);
      expect(got[1]!.title).toBe('North Gate is back on air for "summer"');
      expect(got[1]!.body).toMatch(/since \d{4}-\d\d-\d\d 09:10, after about 70 min off the air/);
    }
    expect(await notices('b1')).toEqual([]);

    // East Wall is still off when its daypart begins at 18:00: told then, once.
    await sweepAt(Date.parse(`${day}T18:00:00Z`));
    await sweepAt(Date.parse(`${day}T18:01:00Z`));
    const east = (await notices('a1')).filter((n) => n.title.startsWith('East Wall'));
    expect(east).toHaveLength(1);
    expect(east[0]!.body).toMatch(/no contract or recent play rate/);

    // Stored once per (booking, screen, outage, kind) and recipient.
    const rows = (await srv.server.ctx
      .knex('advertiser_notices')
      .orderBy(['notice_key', 'user_id'])
      .select('kind', 'user_id', 'status', 'screen_id')) as {
      kind: string;
      user_id: string;
      status: string;
      screen_id: string;
    }[];
    expect(rows.filter((r) => r.screen_id === 'north-gate')).toHaveLength(4);
    expect(rows.every((r) => r.user_id !== people.b1!.id)).toBe(true);
  }, 90_000);

  it('a screen back before the quiet hours end sends neither notice to the sleeper', async () => {
    // North Gate lost at 08:00 the next day (a new outage), back at 08:20, calm by 08:31.
    const t = T0 + DAY;
    await setState('north-gate', 'lost', t);
    await setState('north-gate', 'online', t + 20 * MIN);
    await sweepAt(t + 31 * MIN);
    await sweepAt(t + 90 * MIN);
    const a1 = (await notices('a1')).filter((n) => n.createdAt >= t);
    expect(a1.map((n) => n.title)).toEqual([
      'North Gate is offline during "summer"',
      'North Gate is back on air for "summer"',
    ]);
    expect((await notices('a2')).filter((n) => n.createdAt >= t)).toEqual([]);
  }, 30_000);
});
