import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, CreateScreenResponse } from '../../protocol';
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

describe.each(testDatabases())('alarms (%s)', (dbKind) => {
  let server: TestServer;
  let token: string;
  let socket: ConsoleSocket;
  const alarms = new Map<string, Alarm>();

  beforeAll(async () => {
    server = await startTestServer(dbKind, {
      alarmGraceMs: 300,
      heartbeatTimeoutMs: 1500,
      sweepMs: 100,
      temperatureMaxC: 70,
      flapTransitions: 4,
    });
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
  const find = (screenId: string, kind: Alarm['kind']) =>
    [...alarms.values()]
      .filter((a) => a.screenId === screenId && a.kind === kind)
      .sort((a, b) => b.rev - a.rev)[0];

  it('raises lost after the grace period, is acknowledged, and clears when the screen returns', async () => {
    const { credentials } = await create('al-lost');
    const device = await connectDevice(server.mqttUrl, 'al-lost', credentials.password);
    await device.publishState('online');
    device.client.stream.destroy(); // Last Will: lost
    const raised = await waitFor(() => find('al-lost', 'lost'), 5000, 'lost alarm');
    expect(raised).toMatchObject({ status: 'active', severity: 'critical' });

    const ack = await emitAck<{ ok: boolean; data: Alarm }>(socket, 'ackAlarm', {
      alarmId: raised.id,
    });
    expect(ack.ok).toBe(true);
    expect(ack.data).toMatchObject({ id: raised.id, status: 'acknowledged' });
    // Acknowledging twice changes nothing and is not an error.
    const again = await emitAck<{ ok: boolean; data: Alarm }>(socket, 'ackAlarm', {
      alarmId: raised.id,
    });
    expect(again.data.rev).toBe(ack.data.rev);

    const back = await connectDevice(server.mqttUrl, 'al-lost', credentials.password);
    await back.publishState('online');
    await waitFor(() => find('al-lost', 'lost')?.status === 'cleared', 5000, 'cleared');
    const rows = await server.ctx.knex('alarms').where({ screen_id: 'al-lost', kind: 'lost' });
    expect(rows).toHaveLength(1);
    await back.end();
  });

  it('does not alarm on a blip shorter than the grace period', async () => {
    const { credentials } = await create('al-blip');
    const device = await connectDevice(server.mqttUrl, 'al-blip', credentials.password, {
      bootId: 'b1',
    });
    await device.publishState('online');
    device.client.stream.destroy();
    await waitFor(() => server.fleet.state.get('al-blip')?.state === 'lost');
    const back = await connectDevice(server.mqttUrl, 'al-blip', credentials.password, {
      bootId: 'b2',
    });
    await back.publishState('online');
    await new Promise((r) => setTimeout(r, 700));
    expect(find('al-blip', 'lost')).toBeUndefined();
    await back.end();
  });

  it('updates an open fault alarm when raised again instead of duplicating it, and clears it', async () => {
    const { credentials } = await create('al-fault');
    const device = await connectDevice(server.mqttUrl, 'al-fault', credentials.password);
    await device.publishState('online');
    const fault = (id: string) =>
      JSON.stringify({
        ts: Date.now(),
        bootId: device.bootId,
        seq: device.seq() + 1,
        id,
        kind: 'fault',
        code: 'FAN',
        severity: 'warning',
        message: 'fan stalled',
      });
    await device.publishRaw('marquee/v1/screens/al-fault/events', fault('e1'));
    await waitFor(() => find('al-fault', 'fault'), 3000, 'fault alarm');
    await device.publishRaw('marquee/v1/screens/al-fault/events', fault('e2'));
    await waitFor(() => find('al-fault', 'fault')?.count === 2, 3000, 'count 2');
    expect(await server.ctx.knex('alarms').where({ screen_id: 'al-fault' })).toHaveLength(1);
    await device.publishRaw(
      'marquee/v1/screens/al-fault/events',
      JSON.stringify({
        ts: Date.now(),
        bootId: device.bootId,
        seq: 99,
        id: 'e3',
        kind: 'faultCleared',
        code: 'FAN',
      }),
    );
    await waitFor(() => find('al-fault', 'fault')?.status === 'cleared', 3000, 'fault cleared');
    // The events are kept as history, once each.
    await waitFor(
      async () =>
        (await server.ctx.knex('screen_events').where({ screen_id: 'al-fault' })).length === 3,
      3000,
      'event history',
    );
    await device.end();
  });

  it('raises temperature over the threshold and clears below it', async () => {
    const { credentials } = await create('al-temp');
    const device = await connectDevice(server.mqttUrl, 'al-temp', credentials.password);
    await device.publishState('online');
    await device.publishTelemetry({ temperatureC: 82 });
    const alarm = await waitFor(() => find('al-temp', 'temperature'), 3000, 'temperature alarm');
    expect(alarm.message).toMatch(/82\.0 °C/);
    await device.publishTelemetry({ temperatureC: 50 });
    await waitFor(
      () => find('al-temp', 'temperature')?.status === 'cleared',
      3000,
      'temperature cleared',
    );
    await device.end();
  });

  it('raises heartbeat for an agent that is connected but silent', async () => {
    const { credentials } = await create('al-hb');
    const device = await connectDevice(server.mqttUrl, 'al-hb', credentials.password);
    await device.publishState('online');
    await device.publishTelemetry();
    const hb = await waitFor(() => find('al-hb', 'heartbeat'), 5000, 'heartbeat alarm');
    expect(hb.message).toMatch(/silent/);
    await device.publishTelemetry();
    await waitFor(
      () => find('al-hb', 'heartbeat')?.status === 'cleared',
      5000,
      'heartbeat cleared',
    );
    await device.end();
  });

  it('marks a screen that toggles repeatedly as flapping', async () => {
    const { credentials } = await create('al-flap');
    for (let i = 0; i < 3; i++) {
      const d = await connectDevice(server.mqttUrl, 'al-flap', credentials.password, {
        bootId: `flap-${i}`,
      });
      await d.publishState('online');
      await waitFor(() => server.fleet.state.get('al-flap')?.state === 'online');
      d.client.stream.destroy();
      await waitFor(() => server.fleet.state.get('al-flap')?.state === 'lost');
    }
    const alarm = await waitFor(() => find('al-flap', 'lost'), 5000, 'flap alarm');
    expect(alarm.flapping).toBe(true);
  });

  it('lets operators list alarms over REST and keeps advertisers out', async () => {
    const list = await api<{ alarms: Alarm[] }>(
      server,
      'GET',
      '/api/alarms?status=cleared',
      undefined,
      token,
    );
    expect(list.status).toBe(200);
    expect(list.body.alarms.every((a) => a.status === 'cleared')).toBe(true);
    expect(list.body.alarms.length).toBeGreaterThan(0);
    const bad = await api(server, 'GET', '/api/alarms?status=sleeping', undefined, token);
    expect(bad.status).toBe(400);
    await api(
      server,
      'POST',
      '/api/users',
      {
        email: 'adv@test.local',
        name: 'Ad Vertiser',
        role: 'advertiser',
        password: 'advertiser-pass-1',
      },
      token,
    );
    const adv = await login(server, { email: 'adv@test.local', password: 'advertiser-pass-1' });
    expect((await api(server, 'GET', '/api/alarms', undefined, adv.token)).status).toBe(403);
    const advSocket = await connectSocket(server, adv.token);
    const res = await emitAck(advSocket, 'ackAlarm', { alarmId: find('al-lost', 'lost')!.id });
    expect(res).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const sync = await emitAck<{ ok: true; data: { alarms: Alarm[]; screens: unknown[] } }>(
      advSocket,
      'sync',
      { cursor: 0 },
    );
    expect(sync.data.alarms).toEqual([]);
    expect(sync.data.screens).toEqual([]);
    advSocket.close();
  });
});
