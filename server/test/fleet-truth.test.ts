/**
 * Fleet truth (hardening issue 10): the time of a `lost` is when the server learned it (a Last
 * Will carries the agent's connect time), so its alarm waits its grace and says how long ago
 * contact was lost; telemetry keeps what the agent sends (network, load, sizes); retired
 * screens raise nothing; one screen's fault codes make a bounded number of alarms and
 * notifications.
 */
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  topics,
  type Alarm,
  type CreateScreenResponse,
  type Screen,
  type StatePayload,
} from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice } from '../../test/helpers/device';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

const GRACE_MS = 1500;

describe.each(testDatabases())('fleet truth (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  let socket: ConsoleSocket;
  const alarms = new Map<string, Alarm>();

  beforeAll(async () => {
    server = await startTestServer(dbKind, { alarmGraceMs: GRACE_MS, sweepMs: 100 });
    token = (await login(server)).token;
    socket = await connectSocket(server, token);
    socket.on('alarm', (a) => alarms.set(a.id, a));
  });
  afterAll(async () => {
    socket?.close();
    await server?.stop();
  });

  const create = async (id: string) =>
    (
      await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${id}` },
        token,
      )
    ).body;
  const alarmsOf = (screenId: string) =>
    [...alarms.values()].filter((a) => a.screenId === screenId);

  it('stamps a Last Will with the time the server learned of it, and alarms only after the grace', async () => {
    const { credentials } = await create('ft-will');
    // An agent that connected two minutes ago: its Will, composed then, says so.
    const connectedAt = Date.now() - 120_000;
    const state = (s: StatePayload['state']): StatePayload => ({
      ts: connectedAt,
      bootId: 'boot-long-ago',
      seq: 0,
      state: s,
      agentVersion: '0.1.0-test',
      capabilities: [],
    });
    const client = await mqtt.connectAsync(server.mqttUrl, {
      clientId: 'ft-will',
      username: 'ft-will',
      password: credentials.password,
      protocolVersion: 4,
      reconnectPeriod: 0,
      will: {
        topic: topics.state('ft-will'),
        payload: Buffer.from(JSON.stringify(state('lost'))),
        qos: 1,
        retain: true,
      },
    });
    await client.publishAsync(topics.state('ft-will'), JSON.stringify(state('online')), {
      qos: 1,
      retain: true,
    });
    await waitFor(() => server.fleet.state.get('ft-will')?.state === 'online');

    const killedAt = Date.now();
    client.stream.destroy(); // as a crash: the broker sends the Will
    await waitFor(() => server.fleet.state.get('ft-will')?.state === 'lost', 3000, 'lost');
    const lost = server.fleet.state.get('ft-will')!;
    expect(lost.stateSince).toBeGreaterThanOrEqual(killedAt);
    expect(lost.stateSince).toBeLessThanOrEqual(Date.now());
    // The stored row and the state history say the same.
    await waitFor(async () => {
      const row = await server.ctx.knex('screens').where({ id: 'ft-will' }).first('state');
      return row?.state === 'lost';
    });
    const history = await server.ctx
      .knex('screen_state_history')
      .where({ screen_id: 'ft-will', state: 'lost' })
      .first('ts');
    expect(Number(history.ts)).toBeGreaterThanOrEqual(killedAt);

    // Several sweeps run within the grace period; none may raise the alarm.
    await new Promise((r) => setTimeout(r, GRACE_MS / 2));
    expect(alarmsOf('ft-will').filter((a) => a.kind === 'lost')).toEqual([]);

    const alarm = await waitFor(
      () => alarmsOf('ft-will').find((a) => a.kind === 'lost'),
      GRACE_MS + 3000,
      'lost alarm',
    );
    expect(alarm.raisedAt - lost.stateSince!).toBeGreaterThanOrEqual(GRACE_MS);
    const ago = Number(/lost contact (\d+) s ago/.exec(alarm.message)?.[1]);
    expect(ago).toBeGreaterThanOrEqual(1);
    expect(ago).toBeLessThanOrEqual(Math.ceil((Date.now() - killedAt) / 1000));
  });

  it('keeps the network, load and sizes the agent sends, through REST and sync', async () => {
    const { credentials } = await create('ft-sys');
    const device = await connectDevice(server.mqttUrl, 'ft-sys', credentials.password);
    await device.publishState('online');
    await device.publishTelemetry({
      cpu: { load1: 1.25, usagePct: 30 },
      memory: { usedPct: 41, totalMb: 3906 },
      disk: { usedPct: 57, totalGb: 58.3 },
      network: { iface: 'wlan0', ip: '192.168.7.41', rxBytes: 123_456_789, txBytes: 9_876_543 },
    });
    const expected = {
      load1: 1.25,
      memoryTotalMb: 3906,
      diskTotalGb: 58.3,
      network: { iface: 'wlan0', ip: '192.168.7.41', rxBytes: 123_456_789, txBytes: 9_876_543 },
    };
    await waitFor(() => server.fleet.state.get('ft-sys')?.telemetry?.network, 3000, 'telemetry');
    const rest = await api<{ screen: Screen }>(
      server,
      'GET',
      '/api/screens/ft-sys',
      undefined,
      token,
    );
    expect(rest.body.screen.telemetry).toMatchObject(expected);
    // sync reads the stored row: what a console that was away gets.
    const fromSync = await waitFor(async () => {
      const res = await emitAck<{ ok: true; data: { screens: Screen[] } }>(socket, 'sync', {
        cursor: 0,
      });
      const s = res.data.screens.find((x) => x.id === 'ft-sys');
      return s?.telemetry?.network ? s : null;
    });
    expect(fromSync.telemetry).toMatchObject(expected);
    await device.end();
  });

  const faultEvent = (bootId: string, i: number, code: string, kind = 'fault') =>
    JSON.stringify({
      ts: Date.now(),
      bootId,
      seq: 1000 + i,
      id: `ev-${code}-${kind}-${i}`,
      kind,
      code,
      ...(kind === 'fault'
        ? { severity: i === 59 ? 'critical' : 'warning', message: `fault number ${i}` }
        : {}),
    });

  it('caps one screen’s fault alarms and notifications, grouping the rest', async () => {
    const { credentials } = await create('ft-flood');
    const device = await connectDevice(server.mqttUrl, 'ft-flood', credentials.password);
    await device.publishState('online');
    const events = topics.events('ft-flood');
    for (let i = 0; i < 60; i++)
      await device.publishRaw(events, faultEvent(device.bootId, i, `F${i}`));

    const openFaults = () =>
      server.ctx
        .knex('alarms')
        .where({ screen_id: 'ft-flood', kind: 'fault' })
        .whereNotNull('open_key');
    await waitFor(
      async () => {
        const group = await openFaults().where({ code: '' }).first();
        return group && /55 more faults/.test(group.message) ? group : null;
      },
      10_000,
      'grouped alarm for 55 faults',
    );
    const open = await openFaults();
    expect(open).toHaveLength(6);
    const group = open.find((a: { code: string }) => a.code === '')!;
    expect(group.severity).toBe('critical'); // the worst folded fault (F59) decides
    expect(group.message).toMatch(/latest F59: fault number 59/);
    const notified = await server.ctx
      .knex('notifications')
      .where({ kind: 'alarm', ref_type: 'alarm' })
      .whereIn(
        'ref_id',
        (await server.ctx.knex('alarms').where({ screen_id: 'ft-flood' }).select('id')).map(
          (a: { id: string }) => a.id,
        ),
      );
    // One admin: one notification per new alarm, i.e. five faults and the group.
    expect(notified).toHaveLength(6);

    // Clearing folded codes shrinks the group; the last one clears it.
    for (let i = 5; i < 59; i++)
      await device.publishRaw(events, faultEvent(device.bootId, i, `F${i}`, 'faultCleared'));
    await waitFor(
      async () =>
        /1 more fault open/.test((await openFaults().where({ code: '' }).first())?.message ?? ''),
      10_000,
      'group down to one',
    );
    await device.publishRaw(events, faultEvent(device.bootId, 59, 'F59', 'faultCleared'));
    await waitFor(async () => (await openFaults()).length === 5, 5000, 'group cleared');
    expect(await server.ctx.knex('alarm_fault_overflow').where({ screen_id: 'ft-flood' })).toEqual(
      [],
    );
    await device.end();
  });

  it('raises nothing for a retired screen, and clears what it had open', async () => {
    const { credentials } = await create('ft-retired');
    const device = await connectDevice(server.mqttUrl, 'ft-retired', credentials.password);
    await device.publishState('online');
    const events = topics.events('ft-retired');
    await device.publishRaw(events, faultEvent(device.bootId, 1, 'FAN'));
    await waitFor(() => alarmsOf('ft-retired').find((a) => a.code === 'FAN'), 3000, 'fault alarm');

    expect((await api(server, 'DELETE', '/api/screens/ft-retired', undefined, token)).status).toBe(
      200,
    );
    await waitFor(() => server.fleet.state.get('ft-retired')?.retired, 3000, 'retired');
    // Retiring cuts the device's session at the broker (device-sessions.test.ts); what was
    // already in flight still reaches ingest: a new fault, then its Last Will.
    server.fleet.ingest.handle(events, Buffer.from(faultEvent(device.bootId, 2, 'PSU')));
    server.fleet.ingest.handle(
      topics.state('ft-retired'),
      Buffer.from(
        JSON.stringify({
          state: 'lost',
          bootId: device.bootId,
          ts: Date.now(),
          agentVersion: 'test',
          capabilities: [],
        }),
      ),
    );
    await waitFor(
      () => alarmsOf('ft-retired').find((a) => a.code === 'FAN')?.status === 'cleared',
      3000,
      'open fault cleared on retire',
    );
    await new Promise((r) => setTimeout(r, GRACE_MS + 500));
    const rows = await server.ctx.knex('alarms').where({ screen_id: 'ft-retired' });
    expect(
      rows.map((a: { code: string; open_key: string | null }) => [a.code, a.open_key]),
    ).toEqual([['FAN', null]]);
  });
});
