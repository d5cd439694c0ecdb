/**
 * Campaigns (issue 12) on a real server (SQLite and PostgreSQL), real agents and MQTT devices
 * over the embedded broker: a campaign booked on a tag, a real simulated player playing it,
 * proof of play counted once per record across retries and a server restart, the CSV matching
 * the JSON, delivered vs contracted exact, a screen lost during the booking listed as missed,
 * and an advertiser refused another organization's campaigns, screens and records over REST,
 * the socket and `sync`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  topics,
  type CampaignList,
  type CreateScreenResponse,
  type DeliveryReport,
  type ProofOfPlayList,
  type SyncResult,
} from '../../protocol';
import { startAgent, type Agent } from '../../device-agent/src/agent';
import { parseConfig } from '../../device-agent/src/config';
import { createLogger } from '../../device-agent/src/log';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startRestartableServer,
  waitFor,
} from '../../test/helpers/server';

const DAY = 86_400_000;
const date = (ts: number) => new Date(ts).toISOString().slice(0, 10);
type Err = { error: { code: string; message: string } };

describe.each(testDatabases())('campaigns, bookings and proof of play (%s)', (dbKind) => {
  let srv: Awaited<ReturnType<typeof startRestartableServer>>;
  let admin: string;
  let adA: { token: string; id: string };
  let adB: { token: string; id: string };
  const creds: Record<string, string> = {};
  const agents: Agent[] = [];
  let lostDevice: FakeDevice;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-campaigns-'));

  const as = <T>(token: string, method: string, p: string, body?: unknown) =>
    api<T>(srv, method, p, body, token);

  async function advertiser(email: string, org: string) {
    const made = await as<{ user: { id: string } }>(admin, 'POST', '/api/users', {
      email,
      name: email,
      role: 'advertiser',
      password: 'a-long-password-1',
    });
    expect(made.status).toBe(201);
    const set = await as(admin, 'PUT', `/api/admin/users/${made.body.user.id}/organization`, {
      organizationId: org,
    });
    expect(set.status).toBe(200);
    const { token } = await login(srv, { email, password: 'a-long-password-1' });
    return { token, id: made.body.user.id };
  }

  function popEvent(
    bootId: string,
    seq: number,
    id: string,
    campaignId: string,
    startedAt: number,
  ) {
    return JSON.stringify({
      ts: Date.now(),
      bootId,
      seq,
      id,
      kind: 'proofOfPlay',
      creativeId: `${campaignId}-cr`,
      campaignId,
      startedAt,
      durationMs: 10_000,
    });
  }

  beforeAll(async () => {
    srv = await startRestartableServer(dbKind);
    admin = (await login(srv)).token;
    for (const [id, tags] of [
      ['mall-1', ['mall']],
      ['mall-2', ['mall']],
      ['station-1', ['station']],
    ] as const) {
      const res = await as<CreateScreenResponse>(admin, 'POST', '/api/screens', {
        id,
        name: `Screen ${id}`,
        tags: [...tags],
      });
      expect(res.status).toBe(201);
      creds[id] = res.body.credentials.password;
    }
    for (const [id, name] of [
      ['org-a', 'Alpha Drinks'],
      ['org-b', 'Beta Cars'],
    ])
      expect((await as(admin, 'POST', '/api/organizations', { id, name })).status).toBe(201);
    adA = await advertiser('a@alpha.test', 'org-a');
    adB = await advertiser('b@beta.test', 'org-b');
    for (const [id, organizationId] of [
      ['cmp-alpha', 'org-a'],
      ['cmp-beta', 'org-b'],
    ])
      expect(
        (await as(admin, 'POST', '/api/campaigns', { id, organizationId, name: `Campaign ${id}` }))
          .status,
      ).toBe(201);
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => {});
    await lostDevice?.end().catch(() => {});
    await srv?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses bad input with a sentence and books nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [
        { campaignId: 'cmp-alpha', tags: ['mall'], startsOn: '2026-02-30', endsOn: '2026-03-01' },
        /not a real date/,
      ],
      [
        { campaignId: 'cmp-alpha', startsOn: '2026-03-01', endsOn: '2026-03-02' },
        /at least one screen or tag/,
      ],
      [
        { campaignId: 'cmp-alpha', tags: ['mall'], startsOn: '2026-03-05', endsOn: '2026-03-01' },
        /endsOn must not be before/,
      ],
      [
        {
          campaignId: 'cmp-alpha',
          tags: ['mall'],
          startsOn: '2026-03-01',
          endsOn: '2026-03-02',
          dayparts: [{ days: [1], start: '07:30', end: '10:00' }],
        },
        /whole hour/,
      ],
      [
        {
          campaignId: 'cmp-alpha',
          tags: ['mall'],
          startsOn: '2026-03-01',
          endsOn: '2026-03-02',
          timeZone: 'Mars/Olympus',
        },
        /IANA time zone/,
      ],
      [
        {
          campaignId: 'cmp-alpha',
          tags: ['mall'],
          startsOn: '2026-03-01',
          endsOn: '2026-03-02',
          timeZone: 'Asia/Kolkata',
        },
        /whole number of hours/,
      ],
      [
        {
          campaignId: 'cmp-alpha',
          screenIds: ['nope-1'],
          startsOn: '2026-03-01',
          endsOn: '2026-03-02',
        },
        /No screen with id nope-1/,
      ],
      [
        { campaignId: 'cmp-nope', tags: ['mall'], startsOn: '2026-03-01', endsOn: '2026-03-02' },
        /No campaign/,
      ],
    ];
    for (const [body, sentence] of cases) {
      const res = await as<Err>(admin, 'POST', '/api/bookings', body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.body.error.message).toMatch(sentence);
    }
    const q = await as<Err>(admin, 'GET', '/api/proof-of-play?from=yesterday');
    expect(q.status).toBe(400);
    expect(q.body.error.message).toMatch(/from must be a time/);
    const bad = await as<Err>(admin, 'GET', '/api/campaigns/cmp-alpha/delivery?format=pdf');
    expect(bad.body.error.message).toMatch(/format must be json or csv/);
    expect(
      (
        await as<Err>(adA.token, 'POST', '/api/campaigns', {
          id: 'x',
          organizationId: 'org-a',
          name: 'x',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await as<Err>(admin, 'POST', '/api/campaigns', {
          id: 'cmp-alpha',
          organizationId: 'org-a',
          name: 'x',
        })
      ).status,
    ).toBe(409);
    const detail = await as<{ bookings: unknown[] }>(admin, 'GET', '/api/campaigns/cmp-alpha');
    expect(detail.body.bookings).toEqual([]);
  });

  it('a tag booking: a real agent plays it, retries and a restart count once, a lost screen is missed', async () => {
    const now = Date.now();
    const booking = await as<{ booking: { id: string } }>(admin, 'POST', '/api/bookings', {
      campaignId: 'cmp-alpha',
      tags: ['mall'],
      startsOn: date(now - DAY),
      endsOn: date(now + DAY),
      contractedPlays: 40,
    });
    expect(booking.status).toBe(201);
    expect(
      (
        await as(admin, 'POST', '/api/bookings', {
          campaignId: 'cmp-beta',
          screenIds: ['station-1'],
          startsOn: date(now - DAY),
          endsOn: date(now + DAY),
        })
      ).status,
    ).toBe(201);

    // mall-2: a bare device with exact records; one sent twice (a retry), then it is lost.
    lostDevice = await connectDevice(srv.mqttUrl, 'mall-2', creds['mall-2']!);
    await lostDevice.publishState('online');
    const boot = lostDevice.bootId;
    for (let i = 0; i < 3; i++)
      await lostDevice.publishRaw(
        topics.events('mall-2'),
        popEvent(boot, 10 + i, `pop-m2-${i}`, 'cmp-alpha', now - 60_000 + i * 10_000),
      );
    await lostDevice.publishRaw(
      topics.events('mall-2'),
      popEvent(boot, 20, 'pop-m2-1', 'cmp-alpha', now - 50_000),
    );
    // A play of another campaign on a booked screen is not cmp-alpha's.
    await lostDevice.publishRaw(
      topics.events('mall-2'),
      popEvent(boot, 21, 'pop-m2-x', 'cmp-house', now - 40_000),
    );
    const count = async (campaignId: string, token = admin) =>
      (
        await as<ProofOfPlayList>(
          token,
          'GET',
          `/api/proof-of-play?campaignId=${campaignId}&screenId=mall-2`,
        )
      ).body.records.length;
    await waitFor(async () => (await count('cmp-alpha')) === 3, 10_000, 'three records of mall-2');
    lostDevice.client.stream.destroy();
    await waitFor(
      () => srv.server.fleet.state.get('mall-2')?.state === 'lost',
      10_000,
      'mall-2 lost',
    );

    // mall-1: the real agent with the simulated player playing the booked campaign.
    const agent = await startAgent(
      parseConfig({
        screenId: 'mall-1',
        broker: { url: srv.mqttUrl, username: 'mall-1', password: creds['mall-1'] },
        dataDir: path.join(tmp, 'mall-1'),
        player: {
          type: 'simulated',
          slotMs: 150,
          faultsPerHour: 0,
          rebootsPerDay: 0,
          playlist: [{ campaignId: 'cmp-alpha', creativeId: 'cr-alpha-10s', title: 'Alpha' }],
        },
      }),
      { log: createLogger('error') },
    );
    agents.push(agent);
    await agent.firstConnect;
    const played = async () =>
      (
        await as<ProofOfPlayList>(
          admin,
          'GET',
          '/api/proof-of-play?campaignId=cmp-alpha&screenId=mall-1',
        )
      ).body.records;
    await waitFor(async () => (await played()).length >= 5, 20_000, 'five plays from the agent');
    await agent.stop();
    await waitFor(async () => agent.pendingEvents === 0, 5_000, 'agent queue drained');

    // Restart the server; the same record ids sent again after it count nothing.
    const before = (
      await as<ProofOfPlayList>(admin, 'GET', '/api/proof-of-play?campaignId=cmp-alpha')
    ).body.records;
    await srv.stopServer();
    await srv.startAgain();
    admin = (await login(srv)).token;
    const again = await connectDevice(srv.mqttUrl, 'mall-2', creds['mall-2']!);
    for (let i = 0; i < 3; i++)
      await again.publishRaw(
        topics.events('mall-2'),
        popEvent(again.bootId, i, `pop-m2-${i}`, 'cmp-alpha', now - 60_000 + i * 10_000),
      );
    for (const r of before.filter((x) => x.screenId === 'mall-1').slice(0, 3))
      await again.publishRaw(
        topics.events('mall-2'),
        popEvent(again.bootId, 9, r.recordId, 'cmp-alpha', r.startedAt),
      );
    await again.publishRaw(
      topics.events('mall-2'),
      popEvent(again.bootId, 99, 'pop-m2-late', 'cmp-alpha', now - 30_000),
    );
    await waitFor(
      async () => (await count('cmp-alpha')) === 7,
      10_000,
      'the late record (and the replays of mall-1 ids under mall-2)',
    );
    await again.end();

    const all = (await as<ProofOfPlayList>(admin, 'GET', '/api/proof-of-play?campaignId=cmp-alpha'))
      .body;
    const ids = all.records.map((r) => `${r.screenId}/${r.recordId}`);
    expect(new Set(ids).size).toBe(ids.length);
    // mall-2: 3 + 1 late + 3 replayed mall-1 ids (another screen's key) = 7.
    expect(all.records.filter((r) => r.screenId === 'mall-2')).toHaveLength(7);
    expect(all.records.filter((r) => r.screenId === 'mall-1')).toHaveLength(
      before.filter((r) => r.screenId === 'mall-1').length,
    );

    const delivery = await as<DeliveryReport>(admin, 'GET', '/api/campaigns/cmp-alpha/delivery');
    expect(delivery.status).toBe(200);
    const d = delivery.body;
    expect(d.deliveredPlays).toBe(all.records.length);
    expect(d.contractedPlays).toBe(40);
    expect(d.deliveredPct).toBe(Math.round((all.records.length / 40) * 1000) / 10);
    expect(d.screens.map((s) => s.screenId)).toEqual(['mall-1', 'mall-2']);
    expect(d.screens.find((s) => s.screenId === 'mall-2')!.plays).toBe(7);
    expect(d.firstPlayAt).toBe(Math.min(...all.records.map((r) => r.startedAt)));
    expect(d.lastPlayAt).toBe(Math.max(...all.records.map((r) => r.startedAt)));
    const missed = d.missed.find((m) => m.screenId === 'mall-2');
    expect(missed?.reason).toBe('outage');
    expect(missed?.outages[0]?.state).toBe('lost');

    // CSV matches JSON.
    const csv = await fetch(`${srv.url}/api/campaigns/cmp-alpha/delivery?format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('screen_id,name,date,plays');
    expect(lines.slice(1, -1)).toEqual(
      d.screens.flatMap((s) => s.days.map((x) => `${s.screenId},${s.name},${x.date},${x.plays}`)),
    );
    expect(lines.at(-1)).toMatch(new RegExp(`^TOTAL,contracted 40,.*,${d.deliveredPlays}$`));
    const popCsv = await fetch(`${srv.url}/api/proof-of-play?campaignId=cmp-alpha&format=csv`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    const popLines = (await popCsv.text()).trim().split('\r\n');
    expect(popLines.slice(1).map((l) => l.split(',').slice(0, 2).join('/'))).toEqual(ids);

    // Tag filter.
    const byTag = (await as<ProofOfPlayList>(admin, 'GET', '/api/proof-of-play?tag=station')).body;
    expect(byTag.records).toEqual([]);
  }, 90_000);

  it('an advertiser sees their organization only: REST, socket and sync', async () => {
    const list = await as<CampaignList>(adA.token, 'GET', '/api/campaigns');
    expect(list.body.campaigns.map((c) => c.id)).toEqual(['cmp-alpha']);
    for (const p of [
      '/api/campaigns/cmp-beta',
      '/api/campaigns/cmp-beta/delivery',
      '/api/proof-of-play?campaignId=cmp-beta',
    ]) {
      const res = await as<Err>(adA.token, 'GET', p);
      expect(res.status, p).toBe(404);
      expect(res.body.error.message).toMatch(/No campaign with id "cmp-beta"/);
    }
    const mine = (await as<ProofOfPlayList>(adA.token, 'GET', '/api/proof-of-play')).body.records;
    expect(mine.length).toBeGreaterThan(0);
    expect(new Set(mine.map((r) => r.campaignId))).toEqual(new Set(['cmp-alpha']));
    expect(
      (await as<ProofOfPlayList>(adB.token, 'GET', '/api/proof-of-play')).body.records,
    ).toEqual([]);
    expect((await as(adA.token, 'GET', '/api/screens/station-1')).status).toBeGreaterThanOrEqual(
      403,
    );
    expect((await as(adA.token, 'GET', '/api/screens/mall-1')).status).toBe(200);
    const orgs = await as<{ organizations: { id: string }[] }>(
      adA.token,
      'GET',
      '/api/organizations',
    );
    expect(orgs.body.organizations.map((o) => o.id)).toEqual(['org-a']);

    const socket = await connectSocket(srv, adA.token);
    try {
      const sync = await emitAck<{ ok: true; data: SyncResult }>(socket, 'sync', { cursor: 0 });
      expect(sync.ok).toBe(true);
      expect(new Set(sync.data.screens.map((s) => s.id))).toEqual(new Set(['mall-1', 'mall-2']));
      expect(sync.data.visibleScreenIds?.sort()).toEqual(['mall-1', 'mall-2']);
      const join = await emitAck<{ ok: boolean }>(socket, 'joinRoom', { room: 'fleet' });
      expect(join.ok).toBe(false);

      // Cancelling the booking takes the screens away live.
      const detail = await as<{ bookings: { id: string }[] }>(
        admin,
        'GET',
        '/api/campaigns/cmp-alpha',
      );
      const forgot = new Promise<string[]>((resolve) =>
        socket.on('billboardStatusUpdate', (b) => {
          if (b.forget?.length) resolve(b.forget);
        }),
      );
      expect(
        (await as(admin, 'POST', `/api/bookings/${detail.body.bookings[0]!.id}/cancel`)).status,
      ).toBe(200);
      expect((await forgot).sort()).toEqual(['mall-1', 'mall-2']);
      const after = await emitAck<{ ok: true; data: SyncResult }>(socket, 'sync', { cursor: 0 });
      expect(after.data.screens).toEqual([]);
      // Records stay readable to the organization after the booking ends.
      expect(
        (await as<ProofOfPlayList>(adA.token, 'GET', '/api/proof-of-play')).body.records.length,
      ).toBe(mine.length);
    } finally {
      socket.close();
    }
    const audit = await as<{ entries: { action: string }[] }>(
      admin,
      'GET',
      '/api/audit?action=booking.cancelled',
    );
    expect(audit.status).toBe(200);
  }, 30_000);
});
