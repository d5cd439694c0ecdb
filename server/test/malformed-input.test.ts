/**
 * Fifty kinds of bad input — 25 MQTT payloads, 25 Socket.IO events — each rejected with a
 * reason while valid traffic keeps flowing and /healthz stays green.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, type CreateScreenResponse } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, telemetry, type FakeDevice } from '../../test/helpers/device';
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

const T = 'marquee/v1/screens/bad-1';
const good = () => telemetry('boot-bad', 1);
const mqttCases: [string, string, string | Buffer][] = [
  ['not JSON', `${T}/telemetry`, '{nope'],
  ['JSON null', `${T}/telemetry`, 'null'],
  ['JSON array', `${T}/telemetry`, '[1,2,3]'],
  ['JSON string', `${T}/telemetry`, '"hello"'],
  ['empty object', `${T}/telemetry`, '{}'],
  ['ts as string', `${T}/telemetry`, JSON.stringify({ ...good(), ts: 'now' })],
  ['negative seq', `${T}/telemetry`, JSON.stringify({ ...good(), seq: -1 })],
  [
    'cpu over 100 %',
    `${T}/telemetry`,
    JSON.stringify({ ...good(), cpu: { load1: 1, usagePct: 250 } }),
  ],
  [
    'brightness 101',
    `${T}/telemetry`,
    JSON.stringify({ ...good(), display: { power: 'on', brightness: 101 } }),
  ],
  [
    'unknown display power',
    `${T}/telemetry`,
    JSON.stringify({ ...good(), display: { power: 'sleepy', brightness: 5 } }),
  ],
  ['temperature 900 °C', `${T}/telemetry`, JSON.stringify({ ...good(), temperatureC: 900 })],
  ['missing memory', `${T}/telemetry`, JSON.stringify({ ...good(), memory: undefined })],
  ['bootId empty', `${T}/telemetry`, JSON.stringify({ ...good(), bootId: '' })],
  [
    'oversized payload',
    `${T}/telemetry`,
    JSON.stringify({ ...good(), pad: 'x'.repeat(MAX_PAYLOAD_BYTES) }),
  ],
  ['binary garbage', `${T}/telemetry`, Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x02])],
  [
    'state unknown value',
    `${T}/state`,
    JSON.stringify({
      ts: 1,
      bootId: 'b',
      seq: 1,
      state: 'exploded',
      agentVersion: '1',
      capabilities: [],
    }),
  ],
  [
    'state unknown capability',
    `${T}/state`,
    JSON.stringify({
      ts: 1,
      bootId: 'b',
      seq: 1,
      state: 'online',
      agentVersion: '1',
      capabilities: ['selfDestruct'],
    }),
  ],
  [
    'state without agentVersion',
    `${T}/state`,
    JSON.stringify({ ts: 1, bootId: 'b', seq: 1, state: 'online', capabilities: [] }),
  ],
  [
    'event of unknown kind',
    `${T}/events`,
    JSON.stringify({ ts: 1, bootId: 'b', seq: 1, id: 'e', kind: 'party' }),
  ],
  [
    'fault without code',
    `${T}/events`,
    JSON.stringify({
      ts: 1,
      bootId: 'b',
      seq: 1,
      id: 'e',
      kind: 'fault',
      severity: 'warning',
      message: 'x',
    }),
  ],
  [
    'fault with bad severity',
    `${T}/events`,
    JSON.stringify({
      ts: 1,
      bootId: 'b',
      seq: 1,
      id: 'e',
      kind: 'fault',
      code: 'X',
      severity: 'apocalyptic',
      message: 'x',
    }),
  ],
  [
    'event without id',
    `${T}/events`,
    JSON.stringify({ ts: 1, bootId: 'b', seq: 1, kind: 'reboot', reason: 'x' }),
  ],
  [
    'command result bad status',
    `${T}/cmd/abc/result`,
    JSON.stringify({ ts: 1, bootId: 'b', seq: 1, status: 'maybe' }),
  ],
  [
    'command result huge detail',
    `${T}/cmd/abc/result`,
    JSON.stringify({ ts: 1, bootId: 'b', seq: 1, status: 'failed', detail: 'x'.repeat(5000) }),
  ],
  ['deeply nested JSON', `${T}/telemetry`, '['.repeat(5000) + ']'.repeat(5000)],
];

const socketCases: [string, string, unknown][] = [
  ['sync without payload', 'sync', undefined],
  ['sync with string cursor', 'sync', { cursor: 'x' }],
  ['sync with negative cursor', 'sync', { cursor: -5 }],
  ['sync with extra field', 'sync', { cursor: 0, hack: true }],
  ['sync with array', 'sync', [1, 2]],
  ['joinRoom with bad room', 'joinRoom', { room: 'user:someone-else' }],
  ['joinRoom with number', 'joinRoom', { room: 5 }],
  ['leaveRoom missing room', 'leaveRoom', {}],
  ['typing missing flag', 'typing', { conversationId: 'c1' }],
  ['typing with huge id', 'typing', { conversationId: 'x'.repeat(1000), isTyping: true }],
  [
    'sendMessage empty body',
    'sendMessage',
    { clientId: 'client-id-0001', conversationId: 'c1', body: '' },
  ],
  [
    'sendMessage too long',
    'sendMessage',
    { clientId: 'client-id-0002', conversationId: 'c1', body: 'x'.repeat(5000) },
  ],
  [
    'sendMessage short client id',
    'sendMessage',
    { clientId: 'x', conversationId: 'c1', body: 'hi' },
  ],
  [
    'sendMessage client id with spaces',
    'sendMessage',
    { clientId: 'a b c d e f g h', conversationId: 'c1', body: 'hi' },
  ],
  ['markRead negative seq', 'markRead', { conversationId: 'c1', seq: -1 }],
  ['markRead fractional seq', 'markRead', { conversationId: 'c1', seq: 1.5 }],
  [
    'sendCommand unknown type',
    'sendCommand',
    { commandId: 'cmd-id-00001', target: { screenIds: ['bad-1'] }, type: 'selfDestruct' },
  ],
  [
    'sendCommand empty target',
    'sendCommand',
    { commandId: 'cmd-id-00002', target: { screenIds: [] }, type: 'reboot' },
  ],
  [
    'sendCommand both targets',
    'sendCommand',
    { commandId: 'cmd-id-00003', target: { screenIds: ['a'], tag: 'x' }, type: 'reboot' },
  ],
  [
    'sendCommand bad params',
    'sendCommand',
    {
      commandId: 'cmd-id-00004',
      target: { screenIds: ['bad-1'] },
      type: 'setPower',
      params: { power: 'maybe' },
    },
  ],
  [
    'sendCommand ttl too short',
    'sendCommand',
    { commandId: 'cmd-id-00005', target: { screenIds: ['bad-1'] }, type: 'reboot', ttlS: 1 },
  ],
  ['ackAlarm missing id', 'ackAlarm', {}],
  ['ackAlarm unknown id', 'ackAlarm', { alarmId: 'no-such-alarm' }],
  ['setPresence offline (not settable)', 'setPresence', { status: 'offline' }],
  ['unknown event', 'formatDisk', { all: true }],
];

describe.each(testDatabases())(
  'bad input is refused and the server keeps serving (%s)',
  (dbKind) => {
    let server: TestServer;
    let device: FakeDevice;
    let socket: ConsoleSocket;

    beforeAll(async () => {
      server = await startTestServer(dbKind);
      const { token } = await login(server);
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id: 'bad-1', name: 'Bad input target' },
        token,
      );
      device = await connectDevice(server.mqttUrl, 'bad-1', res.body.credentials.password, {
        bootId: 'boot-bad',
      });
      await device.publishState('online');
      socket = await connectSocket(server, token);
    });
    afterAll(async () => {
      socket?.close();
      await device?.end();
      await server?.stop();
    });

    it('has fifty distinct cases', () => {
      expect(mqttCases.length + socketCases.length).toBe(50);
      expect(new Set([...mqttCases, ...socketCases].map((c) => c[0])).size).toBe(50);
    });

    it.each(mqttCases)(
      'MQTT: rejects %s, then applies valid telemetry',
      async (_name, topic, payload) => {
        const rejectedBefore = server.ctx.metrics.rejected.total();
        await device.publishRaw(topic, payload, 1);
        await waitFor(
          () => server.ctx.metrics.rejected.total() === rejectedBefore + 1,
          3000,
          'one rejection',
        );
        const marker = Math.round(Math.random() * 1000) / 10;
        await device.publishTelemetry({ temperatureC: marker });
        await waitFor(
          () => server.fleet.state.get('bad-1')?.telemetry?.temperatureC === marker,
          3000,
          'valid telemetry after',
        );
      },
    );

    it.each(socketCases)(
      'Socket.IO: refuses %s with an error acknowledgement',
      async (_name, event, payload) => {
        const res = await emitAck<{ ok: boolean; error?: { code: string; message: string } }>(
          socket,
          event,
          payload,
        );
        expect(res.ok).toBe(false);
        expect(res.error!.message.length).toBeGreaterThan(3);
        const ok = await emitAck<{ ok: boolean }>(socket, 'sync', { cursor: 0 });
        expect(ok.ok).toBe(true);
      },
    );

    it('stays healthy after all of it', async () => {
      expect(socket.connected).toBe(true);
      expect(device.client.connected).toBe(true);
      const health = await api(server, 'GET', '/healthz');
      expect(health).toEqual({ status: 200, body: { ok: true, database: true, broker: true } });
      const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/marquee_mqtt_messages_rejected_total\{reason="schema"\} \d+/);
      expect(metrics).toMatch(/marquee_socket_events_rejected_total\{code="bad_request"\} \d+/);
    });
  },
);
