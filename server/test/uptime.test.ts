/**
 * Uptime reports from a scripted history (issue 13): screens registered over REST, their states
 * sent as MQTT messages by devices through the real broker and ingest, with controlled times
 * (an agent's `online`/`offline` carry its `ts`; a `lost` and a retire are stamped with the
 * server's clock, which the test sets). Known outages in, exact figures out — per screen, per
 * tag and for the fleet — on SQLite and PostgreSQL; the CSV says the same; bad input gets a
 * sentence; advertisers are refused; pruning keeps each screen's state at the cutoff.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CreateScreenResponse,
  ProvisionedScreenResponse,
  UptimeReport,
  UptimeScreenRow,
} from '../../protocol';
import { maintainHistory } from '../../server/src/fleet/history-maintenance';
import { buildUptimeReport } from '../../server/src/reports/uptime-report';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;

describe.each(testDatabases())('uptime reports (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  const devices: FakeDevice[] = [];
  const written = new Map<string, number>();
  let clock = 0;
  // A whole day, ending two hours ago on the hour: hours into it are 10:00, 12:06 and so on.
  const to = Math.floor(Date.now() / H) * H - 2 * H;
  const from = to - DAY;
  const at = (hours: number) => from + hours * H;

  const rows = (report: UptimeReport) =>
    Object.fromEntries(report.screens.map((r) => [r.screenId, r])) as Record<
      string,
      UptimeScreenRow
    >;
  const figures = (r: UptimeScreenRow | undefined) =>
    r && {
      monitoredMs: r.monitoredMs,
      upMs: r.upMs,
      uptimePct: r.uptimePct,
      outages: r.outages,
      longestOutageMs: r.longestOutageMs,
      longestOutageStart: r.longestOutageStart,
      downAtEnd: r.downAtEnd,
    };

  async function register(id: string, tags: string[]) {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: `Screen ${id.toUpperCase()}`, tags },
      token,
    );
    expect(res.status).toBe(201);
    return res.body.credentials.password;
  }

  async function device(id: string, password: string, bootId?: string) {
    const d = await connectDevice(server.mqttUrl, id, password, { will: false, bootId });
    devices.push(d);
    return d;
  }

  /** One state message; waits until the server has stored its transition. */
  async function send(d: FakeDevice, id: string, state: 'online' | 'offline' | 'lost', ts: number) {
    clock = ts; // what the server stamps a `lost` with
    await d.publishState(state, { ts });
    await stored(id);
  }
  async function stored(id: string) {
    const expected = (written.get(id) ?? 0) + 1;
    written.set(id, expected);
    await waitFor(
      async () =>
        (await server.ctx.knex('screen_state_history').where({ screen_id: id })).length ===
        expected,
      5000,
      `transition ${expected} of ${id}`,
    );
  }

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    token = (await login(server)).token;
    // The test's clock for what the server stamps itself (fleet-state.ts: a `lost` is dated
    // when the server learns it; a retire when it is done).
    (server.fleet.state as unknown as { now: () => number }).now = () => clock;

    // A: offline 10:00–10:30 and lost 12:00–12:06 → 36 min down in 24 h = 97.5 %.
    const a = await device('scr-a', await register('scr-a', ['north', 'lobby']));
    await send(a, 'scr-a', 'online', at(-2));
    await send(a, 'scr-a', 'offline', at(10));
    await send(a, 'scr-a', 'online', at(10.5));
    await send(a, 'scr-a', 'lost', at(12));
    await send(a, 'scr-a', 'online', at(12.1));
    // B: offline since an hour before the range, back at 03:00 → its outage is clipped to 3 h.
    const b = await device('scr-b', await register('scr-b', ['north']));
    await send(b, 'scr-b', 'online', at(-5));
    await send(b, 'scr-b', 'offline', at(-1));
    await send(b, 'scr-b', 'online', at(3));
    // C: lost at 22:00 and never back → an outage running past the range end.
    const c = await device('scr-c', await register('scr-c', ['south']));
    await send(c, 'scr-c', 'online', at(-5));
    await send(c, 'scr-c', 'lost', at(22));
    // D: registered, never heard from → not in the denominator.
    await register('scr-d', ['south']);
    // E: first heard of at 06:00 → monitored for 18 h only, all of them online.
    const e = await device('scr-e', await register('scr-e', ['north']));
    await send(e, 'scr-e', 'online', at(6));
    // R: online, retired at 15:00, restored at 18:00, heard from again (same boot) at 20:00 →
    // 15 h + 4 h monitored, nothing of 15:00–20:00 counted either way.
    const rPassword = await register('scr-r', ['east']);
    const r = await device('scr-r', rPassword);
    await send(r, 'scr-r', 'online', at(-3));
    clock = at(15);
    expect((await api(server, 'DELETE', '/api/screens/scr-r', undefined, token)).status).toBe(200);
    await stored('scr-r');
    clock = at(18);
    const restored = await api<ProvisionedScreenResponse>(
      server,
      'POST',
      '/api/admin/screens/scr-r/restore',
      {},
      token,
    );
    expect(restored.status).toBe(200);
    await stored('scr-r');
    const newPassword = restored.body.provisioning.credentials.password;
    const r2 = await device('scr-r', newPassword, r.bootId);
    await send(r2, 'scr-r', 'online', at(20));
    clock = Date.now();
  }, 60_000);

  afterAll(async () => {
    for (const d of devices) await d.end().catch(() => undefined);
    await server?.stop();
  });

  const report = async (query: string, who = token) =>
    api<UptimeReport>(server, 'GET', `/api/reports/uptime?${query}`, undefined, who);

  it('gives exact figures per screen, per tag and for the fleet', async () => {
    const res = await report(`from=${from}&to=${to}`);
    expect(res.status).toBe(200);
    const { body } = res;
    expect([body.from, body.to]).toEqual([from, to]);
    const by = rows(body);
    expect(figures(by['scr-a'])).toEqual({
      monitoredMs: DAY,
      upMs: DAY - 36 * M,
      uptimePct: 97.5,
      outages: 2,
      longestOutageMs: 30 * M,
      longestOutageStart: at(10),
      downAtEnd: false,
    });
    expect(figures(by['scr-b'])).toEqual({
      monitoredMs: DAY,
      upMs: 21 * H,
      uptimePct: 87.5,
      outages: 1,
      longestOutageMs: 3 * H,
      longestOutageStart: from,
      downAtEnd: false,
    });
    expect(figures(by['scr-c'])).toEqual({
      monitoredMs: DAY,
      upMs: 22 * H,
      uptimePct: 91.667,
      outages: 1,
      longestOutageMs: 2 * H,
      longestOutageStart: at(22),
      downAtEnd: true,
    });
    expect(figures(by['scr-d'])).toEqual({
      monitoredMs: 0,
      upMs: 0,
      uptimePct: null,
      outages: 0,
      longestOutageMs: 0,
      longestOutageStart: null,
      downAtEnd: false,
    });
    expect(figures(by['scr-e'])).toMatchObject({ monitoredMs: 18 * H, uptimePct: 100 });
    expect(figures(by['scr-r'])).toMatchObject({ monitoredMs: 19 * H, uptimePct: 100 });
    // Worst first, nothing monitored last.
    expect(body.screens.map((s) => s.screenId)).toEqual([
      'scr-b',
      'scr-c',
      'scr-a',
      'scr-e',
      'scr-r',
      'scr-d',
    ]);

    // Fleet: 109 h monitored (D none, E 18 h, R 19 h), 5 h 36 min of it down.
    expect(body.fleet).toEqual({
      screens: 6,
      monitoredScreens: 5,
      monitoredMs: 109 * H,
      upMs: 109 * H - 5 * H - 36 * M,
      downMs: 5 * H + 36 * M,
      uptimePct: 94.862,
      outages: 4,
      longestOutageMs: 3 * H,
    });
    const tags = Object.fromEntries(body.tags.map((t) => [t.tag, t]));
    expect(Object.keys(tags)).toEqual(['east', 'lobby', 'north', 'south']);
    expect(tags.north).toMatchObject({
      screens: 3,
      monitoredMs: 66 * H,
      uptimePct: 94.545,
      outages: 3,
      longestOutageMs: 3 * H,
    });
    expect(tags.south).toMatchObject({
      screens: 2,
      monitoredScreens: 1,
      uptimePct: 91.667,
      outages: 1,
    });
    expect(tags.lobby).toMatchObject({ screens: 1, uptimePct: 97.5, outages: 2 });

    // Per hour: 00:00 has B down and E not yet monitored; 10:00 A down half of it.
    expect(body.bucketMs).toBe(H);
    expect(body.buckets).toHaveLength(24);
    expect(body.buckets[0]).toEqual({ from, to: at(1), uptimePct: 75, outagesStarted: 1 });
    expect(body.buckets[10]).toEqual({
      from: at(10),
      to: at(11),
      uptimePct: 90,
      outagesStarted: 1,
    });
    expect(body.buckets[12]!.uptimePct).toBe(98);
    expect(body.buckets[16]).toMatchObject({ uptimePct: 100, outagesStarted: 0 });
    expect(body.buckets.reduce((n, b) => n + b.outagesStarted, 0)).toBe(4);
  });

  it('filters by tag and by screen, and clips a range that starts mid-outage', async () => {
    const north = await report(`from=${from}&to=${to}&tag=north`);
    expect(north.body.screens.map((s) => s.screenId)).toEqual(['scr-b', 'scr-a', 'scr-e']);
    expect(north.body.fleet).toMatchObject({ uptimePct: 94.545, outages: 3 });
    expect(north.body.filter).toEqual({ tag: 'north', screenId: null });

    // From 10:15 to 12:03, ISO dates: A is already offline at the start (15 min of it left),
    // then lost 3 min before the end → 18 min down of 108.
    const iso = (t: number) => new Date(t).toISOString();
    const one = await report(`from=${iso(at(10.25))}&to=${iso(at(12.05))}&screenId=scr-a`);
    expect(one.status).toBe(200);
    expect(one.body.screens).toHaveLength(1);
    expect(figures(one.body.screens[0])).toEqual({
      monitoredMs: 108 * M,
      upMs: 90 * M,
      uptimePct: 83.333,
      outages: 2,
      longestOutageMs: 15 * M,
      longestOutageStart: at(10.25),
      downAtEnd: true,
    });
  });

  it('exports the same figures as CSV, one row per screen and a totals row', async () => {
    const json = (await report(`from=${from}&to=${to}`)).body;
    const res = await fetch(`${server.url}/api/reports/uptime?from=${from}&to=${to}&format=csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toMatch(/filename="marquee-uptime-fleet-/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'screen_id,name,tags,uptime_pct,monitored_s,up_s,down_s,outages,longest_outage_s,longest_outage_start_utc',
    );
    const cells = lines.slice(1).map((l) => l.split(','));
    expect(cells).toHaveLength(json.screens.length + 1);
    json.screens.forEach((s, i) => {
      const c = cells[i]!;
      expect(c[0]).toBe(s.screenId);
      expect(c[3]).toBe(s.uptimePct === null ? '' : String(s.uptimePct));
      expect(Number(c[4])).toBe(s.monitoredMs / 1000);
      expect(Number(c[6])).toBe(s.downMs / 1000);
      expect(Number(c[7])).toBe(s.outages);
      expect(Number(c[8])).toBe(s.longestOutageMs / 1000);
      expect(c[9]).toBe(
        s.longestOutageStart === null ? '' : new Date(s.longestOutageStart).toISOString(),
      );
    });
    expect(cells[0]).toEqual([
      'scr-b',
      'Screen SCR-B',
      'north',
      '87.5',
      '86400',
      '75600',
      '10800',
      '1',
      '10800',
      new Date(from).toISOString(),
    ]);
    expect(cells.at(-1)).toEqual([
      'TOTAL',
      '6 screens (5 monitored)',
      '',
      '94.862',
      String(109 * 3600),
      String(109 * 3600 - 5 * 3600 - 36 * 60),
      String(5 * 3600 + 36 * 60),
      '4',
      '10800',
      '',
    ]);
  });

  it('answers bad input with a sentence', async () => {
    const cases: [string, number, string][] = [
      [`from=${to}&to=${from}`, 400, 'from must be before to: the range is empty or reversed.'],
      [
        `from=${Date.now() - 401 * DAY}&to=${Date.now()}`,
        400,
        'The range spans 401 days; a report covers at most 400 days.',
      ],
      [
        `from=${Date.now() - 401 * DAY}&to=${Date.now() - 300 * DAY}`,
        400,
        'from is more than 400 days ago; state history is kept 400 days, so start the range later.',
      ],
      [
        'from=yesterday',
        400,
        'from: from must be a time: milliseconds since 1970, or an ISO 8601 date such as 2026-11-01T00:00:00Z',
      ],
      [`from=${Date.now() + H}`, 400, 'from is in the future: there is no history to report yet.'],
      ['tag=nowhere', 404, 'No screen in service carries the tag "nowhere".'],
      [`tag=${'x'.repeat(65)}`, 400, 'tag: tag must be at most 64 characters'],
      ['tag=a&tag=b', 400, 'tag: tag must be given once, as text'],
      ['tag=north&screenId=scr-a', 400, 'tag: give a tag or a screenId, not both'],
      [
        'screenId=no%20such',
        400,
        'screenId: screenId must be letters, digits, - and _ only (1-64)',
      ],
      ['screenId=scr-zz', 404, 'No screen has the id "scr-zz".'],
      ['format=pdf', 400, 'format: format must be json or csv'],
      ['colour=red', 400, '(root): Unrecognized key: "colour"'],
    ];
    for (const [query, status, message] of cases) {
      const res = await api<{ error: { message: string } }>(
        server,
        'GET',
        `/api/reports/uptime?${query}`,
        undefined,
        token,
      );
      expect({ query, status: res.status, message: res.body.error.message }).toEqual({
        query,
        status,
        message,
      });
    }
    // The default range is the last 24 hours, up to now.
    const plain = await report('');
    expect(plain.status).toBe(200);
    expect(plain.body.to - plain.body.from).toBe(DAY);
  });

  it('is for operators and admins: an advertiser is refused, and nobody unsigned', async () => {
    const people = [
      { email: 'ops@uptime.test', name: 'Ops', role: 'operator' },
      { email: 'ads@uptime.test', name: 'Ads', role: 'advertiser' },
    ];
    for (const p of people)
      await api(server, 'POST', '/api/users', { ...p, password: 'a-long-password-1' }, token);
    const op = (await login(server, { email: 'ops@uptime.test', password: 'a-long-password-1' }))
      .token;
    const ad = (await login(server, { email: 'ads@uptime.test', password: 'a-long-password-1' }))
      .token;
    expect((await report(`from=${from}&to=${to}`, op)).body.fleet.uptimePct).toBe(94.862);
    const refused = await api<{ error: { message: string } }>(
      server,
      'GET',
      '/api/reports/uptime',
      undefined,
      ad,
    );
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      "Uptime reports are for operators and admins; your account is an advertiser's.",
    );
    expect((await api(server, 'GET', '/api/reports/uptime')).status).toBe(401);
  });

  it('keeps each screen’s state at the pruning cutoff, so later reports still know it', async () => {
    // A year and more later: everything is past the 400 days kept, but each screen's newest
    // transition stays as its state from then on.
    const later = to + 402 * DAY;
    await maintainHistory(
      server.ctx.knex,
      server.ctx.isPostgres,
      { rawDays: 2, retentionDays: 30 },
      later,
    );
    const left = await server.ctx
      .knex('screen_state_history')
      .select('screen_id', 'state')
      .orderBy('screen_id');
    expect(left.map((r) => `${r.screen_id}:${r.state}`)).toEqual([
      'scr-a:online',
      'scr-b:online',
      'scr-c:lost',
      'scr-e:online',
      'scr-r:online',
    ]);
    const year = await buildUptimeReport(
      server.ctx.knex,
      { from: later - DAY, to: later, format: 'json' },
      later,
    );
    const by = rows(year);
    expect(by['scr-a']!.uptimePct).toBe(100);
    expect(by['scr-c']).toMatchObject({ uptimePct: 0, outages: 1, downAtEnd: true });
    expect(by['scr-d']!.uptimePct).toBeNull();
    expect(year.fleet).toMatchObject({ monitoredScreens: 5, uptimePct: 80, outages: 1 });
  });
});
