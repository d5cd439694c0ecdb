/**
 * The embedded broker under hostile connections, with its shipped limits, real sockets and a
 * real server: an oversized CONNECT is cut before it is buffered, logins are capped in number
 * and time, oversized device payloads are dropped before they become retained messages, and a
 * well-behaved device keeps working throughout.
 */
import net from 'node:net';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PAYLOAD_BYTES, topics, type CreateScreenResponse } from '../../protocol';
import { DEFAULT_CONNECTION_LIMITS } from '../../server/src/broker/connection-guard';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

const MB = 1024 * 1024;

/** MQTT "remaining length": 7 bits a byte, high bit = more. */
function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

function openSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Resolves when the server closes the socket, with the time it took from `since`. */
function closedAfter(socket: net.Socket, since: number): Promise<number> {
  socket.on('error', () => undefined);
  return new Promise((resolve) => {
    if (socket.destroyed) return resolve(Date.now() - since);
    socket.once('close', () => resolve(Date.now() - since));
  });
}

/** Declares a `declared`-byte CONNECT and streams its body until the server hangs up. */
async function streamHugeConnect(port: number, declared: number): Promise<{ sent: number }> {
  const socket = await openSocket(port);
  const closed = closedAfter(socket, Date.now());
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  let sent = 0;
  let open = true;
  void closed.then(() => (open = false));
  socket.write(Buffer.concat([Buffer.from([0x10]), remainingLength(declared)]));
  while (open && sent < declared) {
    sent += chunk.length;
    if (!socket.write(chunk)) {
      await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
    }
  }
  await Promise.race([closed, new Promise((r) => setTimeout(r, 10_000))]);
  socket.destroy();
  return { sent };
}

describe('embedded broker limits (shipped defaults)', () => {
  let server: TestServer;
  let token: string;
  let good: FakeDevice;
  let goodPassword: string;
  let port: number;

  const heard = async (device: FakeDevice, marker: number) => {
    await device.publishTelemetry({ temperatureC: marker });
    await waitFor(
      () => server.fleet.state.get('good-1')?.telemetry?.temperatureC === marker,
      3000,
      'telemetry of the well-behaved device',
    );
  };

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    port = server.embeddedBroker!.port;
    ({ token } = await login(server));
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'good-1', name: 'Well-behaved' },
      token,
    );
    goodPassword = res.body.credentials.password;
    good = await connectDevice(server.mqttUrl, 'good-1', goodPassword);
    await good.publishState('online');
    await waitFor(() => server.fleet.state.get('good-1')?.state === 'online', 3000, 'online');
  });
  afterAll(async () => {
    await good?.end();
    await server?.stop();
  });

  it('cuts three 64 MB CONNECTs at once, before buffering them', async () => {
    const before = process.memoryUsage();
    const started = Date.now();
    const results = await Promise.all([1, 2, 3].map(() => streamHugeConnect(port, 64 * MB)));
    const tookMs = Date.now() - started;
    const after = process.memoryUsage();
    const grewMb = {
      rss: (after.rss - before.rss) / MB,
      heapAndBuffers:
        (after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers) / MB,
    };
    console.log(
      `[limits] 3 × 64 MB CONNECT: cut after ${results.map((r) => (r.sent / MB).toFixed(2)).join(', ')} MB sent (kernel buffers included) in ${tookMs} ms; rss +${grewMb.rss.toFixed(1)} MB, heap+buffers +${grewMb.heapAndBuffers.toFixed(1)} MB`,
    );
    for (const r of results) expect(r.sent).toBeLessThan(16 * MB);
    expect(grewMb.heapAndBuffers).toBeLessThan(8);
    expect(grewMb.rss).toBeLessThan(32);
    await heard(good, 41.5);
  });

  it('cuts a logged-in device that declares a packet over the limit', async () => {
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'big-1', name: 'Big sender' },
      token,
    );
    const big = await connectDevice(server.mqttUrl, 'big-1', res.body.credentials.password);
    const closed = new Promise<void>((r) => big.client.once('close', () => r()));
    big.client.publish(topics.telemetry('big-1'), Buffer.alloc(MB, 0x61), { qos: 0 });
    await closed;
    await big.end();
    await heard(good, 42.5);
  });

  it('drops a device payload over the ingest limit before it is retained', async () => {
    const rejectedBefore = server.ctx.metrics.rejected.total();
    // Just over the payload limit, under the packet limit: acknowledged and dropped.
    const oversized = JSON.stringify({ state: 'online', pad: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    await good.publishRaw(topics.state('good-1'), oversized, 1);
    await good.client.publishAsync(topics.state('good-1'), oversized, { qos: 1, retain: true });
    await waitFor(
      () => server.ctx.metrics.rejected.total() === rejectedBefore + 2,
      3000,
      'two refusals counted',
    );
    // What a subscriber gets as the retained state is still the device's last valid one.
    const watcher = await mqtt.connectAsync(server.mqttUrl, {
      ...server.embeddedBroker!.serviceCredentials,
      clientId: 'marquee-server-test-watcher',
      reconnectPeriod: 0,
    });
    const retained: Buffer[] = [];
    watcher.on('message', (_t, payload, packet) => {
      if (packet.retain) retained.push(payload);
    });
    await watcher.subscribeAsync(topics.state('good-1'), { qos: 1 });
    await waitFor(() => retained.length > 0, 3000, 'the retained state');
    await watcher.endAsync();
    expect(retained[0]!.length).toBeLessThan(MAX_PAYLOAD_BYTES);
    expect(JSON.parse(retained[0]!.toString()).state).toBe('online');
    // The device was not disconnected for it.
    await heard(good, 43.5);
  });

  it('refuses the connection over the unauthenticated cap and closes silent ones after the timeout', async () => {
    const { maxUnauthenticated, loginTimeoutMs } = DEFAULT_CONNECTION_LIMITS;
    const opened = Date.now();
    const silent = await Promise.all(
      Array.from({ length: maxUnauthenticated }, () => openSocket(port)),
    );
    const silentClosed = silent.map((s) => closedAfter(s, opened));
    await waitFor(
      () => server.embeddedBroker!.unauthenticatedConnections() === maxUnauthenticated,
      3000,
      'all silent sockets admitted',
    );
    const extraOpened = Date.now();
    const extra = await openSocket(port);
    const extraClosedMs = await closedAfter(extra, extraOpened);
    console.log(
      `[limits] connection #${maxUnauthenticated + 1} waiting to log in closed after ${extraClosedMs} ms`,
    );
    expect(extraClosedMs).toBeLessThan(1000);
    // The device logged in before the flood keeps working while the slots are full.
    await heard(good, 44.5);

    const times = await Promise.all(silentClosed);
    console.log(
      `[limits] ${maxUnauthenticated} silent connections closed after ${Math.min(...times)}–${Math.max(...times)} ms (timeout ${loginTimeoutMs} ms)`,
    );
    expect(Math.min(...times)).toBeGreaterThanOrEqual(loginTimeoutMs - 100);
    expect(Math.max(...times)).toBeLessThan(loginTimeoutMs + 2000);
    expect(server.embeddedBroker!.unauthenticatedConnections()).toBe(0);
    // Slots free again: a device can log in.
    const again = await connectDevice(server.mqttUrl, 'good-1', goodPassword);
    await good.end();
    good = again;
    await good.publishState('online');
    await heard(good, 45.5);
  }, 15_000);

  it('closes a connection that trickles a CONNECT slower than the login timeout', async () => {
    const socket = await openSocket(port);
    const closed = closedAfter(socket, Date.now());
    socket.write(Buffer.from([0x10, 0x20])); // a 32-byte CONNECT that never completes
    const ms = await closed;
    expect(ms).toBeGreaterThanOrEqual(DEFAULT_CONNECTION_LIMITS.loginTimeoutMs - 100);
    expect(ms).toBeLessThan(DEFAULT_CONNECTION_LIMITS.loginTimeoutMs + 2000);
    await heard(good, 46.5);
  }, 10_000);
});
