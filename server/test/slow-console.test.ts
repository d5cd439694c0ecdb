/**
 * A console that stops reading is not sent an ever-growing queue: live batches skip it once its
 * backlog passes the limit, and when it drains it is told to `resync`. Another console keeps
 * getting every batch meanwhile.
 */
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics } from '../../protocol';
import { createScreen } from '../../server/src/fleet/screens-repo';
import { telemetry } from '../../test/helpers/device';
import {
  connectSocket,
  emitAck,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';

const SCREENS = 1000;

describe('slow consoles', () => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite', { statusTickMs: 20 });
    token = (await login(server)).token;
    for (let i = 0; i < SCREENS; i++) {
      const { screen } = await createScreen(server.ctx.knex, {
        id: `slow-${i}`,
        name: `Slow ${i}`,
        tags: [],
      });
      server.fleet.state.putRegistry(screen);
    }
  });
  afterAll(async () => {
    await server?.stop();
  });

  /** One update of every screen, through the real ingest path (the broker is not under test). */
  let seq = 0;
  const burst = () => {
    seq++;
    for (let i = 0; i < SCREENS; i++) {
      server.fleet.ingest.handle(
        topics.telemetry(`slow-${i}`),
        Buffer.from(JSON.stringify(telemetry('boot-slow', seq, { temperatureC: seq % 100 }))),
      );
    }
  };

  it('skips a console that stops reading, and tells it to resync when it drains', async () => {
    const healthy = await connectSocket(server, token);
    let healthyBatches = 0;
    healthy.on('billboardStatusUpdate', () => healthyBatches++);
    const slow = await connectSocket(server, token);
    let resyncs = 0;
    slow.on('resync', () => resyncs++);
    await waitFor(() => server.ctx.io.of('/').sockets.size === 2);

    // Stop reading on the slow console's TCP connection: the server's send buffer fills.
    const tcp = (slow.io.engine.transport as unknown as { ws: { _socket: net.Socket } }).ws._socket;
    tcp.pause();
    const behind = () => /marquee_consoles_behind 1\b/.test(server.ctx.metrics.render());
    for (let i = 0; i < 300 && !behind(); i++) {
      burst();
      await server.fleet.writer.flush();
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(behind()).toBe(true);
    const before = healthyBatches;
    burst();
    await server.fleet.writer.flush();
    await waitFor(() => healthyBatches > before, 5000, 'the healthy console still gets batches');

    // Reading again: the backlog drains, the next broadcast sends `resync`.
    tcp.resume();
    await waitFor(
      async () => {
        burst();
        await server.fleet.writer.flush();
        return resyncs > 0;
      },
      15_000,
      'resync',
    );
    expect(behind()).toBe(false);
    const res = await emitAck<{
      ok: boolean;
      data: { screens: { telemetry: { temperatureC: number } | null }[] };
    }>(slow, 'sync', { cursor: 0 });
    expect(res.ok).toBe(true);
    expect(res.data.screens.length).toBe(SCREENS);
    healthy.close();
    slow.close();
  });
});
