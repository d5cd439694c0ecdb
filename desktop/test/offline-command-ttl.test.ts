/**
 * Hardening (issue 10): a command's time-to-live counts from the operator's click. The server
 * starts a TTL when it receives the command, so without this a reboot queued offline yesterday
 * ran when the console came back today. A queued command older than its TTL is never sent and
 * shows as expired; one that waited is sent with what is left of its TTL. Real server, a real
 * device on the embedded broker, the real console core, a TCP proxy as the console's network.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, CreateScreenResponse } from '../../protocol';
import type { LocalCommand } from '../src/shared/console-api';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { ADMIN, api, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';
import { startTcpProxy } from '../../test/helpers/tcp-proxy';

describe('console: commands queued offline keep their time-to-live', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let device: FakeDevice;
  let core: ConsoleCore;
  let local: LocalCommand[] = [];

  const serverCommand = async (id: string): Promise<Command | undefined> =>
    (await server.ctx.knex('commands').where({ id }).first()) as Command | undefined;
  const localState = (id: string) => local.find((c) => c.id === id);

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    const admin = (await api<{ token: string }>(server, 'POST', '/api/auth/login', ADMIN)).body;
    const res = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id: 'ttl-screen', name: 'TTL screen' },
      admin.token,
    );
    expect(res.status).toBe(201);
    device = await connectDevice(server.mqttUrl, 'ttl-screen', res.body.credentials.password);
    await device.publishState('online');
    proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
    core = new ConsoleCore(new ConsoleCache(':memory:'), new MemoryTokenStore());
    core.subscribe((e) => {
      if (e.type === 'localCommands') local = e.commands;
      if (e.type === 'snapshot') local = e.snapshot.localCommands;
    });
    await core.invoke('signIn', { serverUrl: proxy.url, ...ADMIN });
    await waitFor(() => core.connection.status === 'live', 10_000, 'live');
    await waitFor(
      () => core.cache.screens().find((s) => s.id === 'ttl-screen')?.capabilities.length,
      5000,
      'the screen and its capabilities',
    );
  });
  afterAll(async () => {
    core?.close();
    await device?.end().catch(() => {});
    await proxy?.close();
    await server?.stop();
  });

  async function offline() {
    proxy.unplug();
    await waitFor(() => core.connection.status !== 'live', 5000, 'offline');
  }
  async function online() {
    proxy.plug();
    await waitFor(() => core.connection.status === 'live', 10_000, 'live again');
  }

  it('one that outlived its TTL offline is never sent, and shows as expired', async () => {
    await offline();
    const { commandIds } = (await core.invoke('sendCommand', {
      screenIds: ['ttl-screen'],
      type: 'reboot',
      ttlS: 5,
    })) as { commandIds: string[] };
    const id = commandIds[0]!;
    expect(localState(id)?.state).toBe('waiting');
    // Reported when the TTL runs out, still offline (not only at the next connect).
    await waitFor(() => localState(id)?.state === 'expired', 7000, 'expired while offline');
    expect(localState(id)?.reason).toBe('Expired before it could be sent.');
    expect(core.cache.outboxSize()).toBe(0);
    expect(core.connection.pendingActions).toBe(0);

    await online();
    await new Promise((r) => setTimeout(r, 500));
    expect(await serverCommand(id)).toBeUndefined();
    expect(core.snapshot().localCommands.find((c) => c.id === id)?.state).toBe('expired');
  });

  it('one that waited less than its TTL is sent with what is left of it', async () => {
    await offline();
    const { commandIds } = (await core.invoke('sendCommand', {
      screenIds: ['ttl-screen'],
      type: 'reboot',
      ttlS: 60,
    })) as { commandIds: string[] };
    const id = commandIds[0]!;
    await new Promise((r) => setTimeout(r, 2500));
    await online();
    await waitFor(() => serverCommand(id), 5000, 'the command stored by the server');
    const row = (await server.ctx.knex('commands').where({ id }).first()) as {
      created_at: number;
      expires_at: number;
    };
    const ttlMs = Number(row.expires_at) - Number(row.created_at);
    // 60 s from the click, 2.5 s+ of it spent waiting: at most 58 s left (rounded up).
    expect(ttlMs).toBeLessThanOrEqual(58_000);
    expect(ttlMs).toBeGreaterThan(50_000);
    // Stored: no longer a local command; the server's status from now on.
    await waitFor(() => !localState(id), 5000, 'the command out of the local list');
    console.log(`[offline-command-ttl] 60 s TTL, waited ≥ 2.5 s offline → sent with ${ttlMs} ms`);
  });
});
