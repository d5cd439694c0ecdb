/**
 * A console that loses its connection at random moments during a burst of updates ends with
 * exactly the server's state: the real console core (SQLite cache, sync engine) against a real
 * server, with real MQTT devices producing the burst.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Screen } from '../../protocol';
import { loadAllScreens } from '../../server/src/fleet/screens-repo';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { ConsoleCore } from '../../desktop/src/core/console-core';
import { MemoryTokenStore } from '../../desktop/src/core/token-store';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import {
  ADMIN,
  api,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';

const SCREENS = 20;
const ROUNDS = 30;

describe.each(testDatabases())('console convergence under random disconnects (%s)', (dbKind) => {
  let server: TestServer;
  let devices: FakeDevice[] = [];

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    const { token } = await login(server);
    for (let i = 0; i < SCREENS; i++) {
      const id = `conv-${i}`;
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${i}` },
        token,
      );
      devices.push(await connectDevice(server.mqttUrl, id, res.body.credentials.password));
    }
  });
  afterAll(async () => {
    for (const d of devices) await d.end().catch(() => undefined);
    devices = [];
    await server?.stop();
  });

  it('ends with exactly the server state', async () => {
    const core = new ConsoleCore(new ConsoleCache(':memory:'), new MemoryTokenStore());
    await core.invoke('signIn', {
      serverUrl: server.url,
      email: ADMIN.email,
      password: ADMIN.password,
    });
    await waitFor(() => core.connection.status === 'live', 5000, 'live');

    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let drops = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // A burst: every device publishes telemetry, some change state.
      await Promise.all(
        devices.map(async (d, i) => {
          if (random() < 0.1) await d.publishState(random() < 0.5 ? 'offline' : 'online');
          await d.publishTelemetry({ temperatureC: Math.round(random() * 600) / 10 + i });
        }),
      );
      if (random() < 0.35) {
        core.dropConnection();
        drops++;
      }
      await new Promise((r) => setTimeout(r, random() * 60));
    }
    expect(drops).toBeGreaterThan(3);

    // Let the server write everything, then let the console catch up.
    await waitFor(() => server.fleet.state.pendingCount === 0, 5000, 'server flushed');
    await server.fleet.writer.flush();
    const serverScreens = new Map<string, Screen>(
      (await loadAllScreens(server.ctx.knex)).map(({ screen }) => [screen.id, screen]),
    );
    await waitFor(
      () => {
        if (core.connection.status !== 'live') return false;
        const cached = core.cache.screens();
        return (
          cached.length === serverScreens.size &&
          cached.every((s) => serverScreens.get(s.id)?.rev === s.rev)
        );
      },
      10_000,
      'console caught up',
    );
    for (const cached of core.cache.screens()) expect(cached).toEqual(serverScreens.get(cached.id));
    core.close();
  });
});
