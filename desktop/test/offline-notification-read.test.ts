/**
 * A notification read while the server is down is read on this console at once and on the
 * server (so on the user's other consoles) once it returns: the real console core against a
 * real server that is stopped and started again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Notification, User } from '../../protocol';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';
import { ADMIN, startRestartableServer, waitFor } from '../../test/helpers/server';

describe('console: notification read offline', () => {
  let server: Awaited<ReturnType<typeof startRestartableServer>>;
  let core: ConsoleCore;

  beforeAll(async () => {
    server = await startRestartableServer();
    core = new ConsoleCore(new ConsoleCache(':memory:'), new MemoryTokenStore());
  });
  afterAll(async () => {
    core?.close();
    await server?.stop();
  });

  it('is queued, kept read locally, and sent once on return', async () => {
    const session = (await core.invoke('signIn', {
      serverUrl: server.url,
      email: ADMIN.email,
      password: ADMIN.password,
    })) as { user: User };
    await waitFor(() => core.connection.status === 'live', 5000, 'live');
    await server.server.chat.notifier.notifyUsers([session.user.id], {
      kind: 'announcement',
      title: 'Maintenance tonight',
      body: 'The uplink in zone 3 goes down at 02:00.',
      ref: null,
    });
    const cached = (): Notification | undefined =>
      core.cache.notifications().find((n) => n.title === 'Maintenance tonight');
    await waitFor(() => cached(), 5000, 'the notification in the cache');
    const id = cached()!.id;

    await server.stopServer();
    await waitFor(() => core.connection.status !== 'live', 5000, 'offline');
    await core.invoke('markNotificationRead', { notificationId: id });
    await core.invoke('markNotificationRead', { notificationId: id }); // a second click
    expect(cached()!.readAt).not.toBeNull();
    expect(core.cache.outbox().map((e) => e.kind)).toEqual(['markNotificationRead']);
    expect(core.connection.pendingActions).toBe(1);

    await server.startAgain();
    await waitFor(() => core.cache.outboxSize() === 0, 15_000, 'the outbox sent');
    const row = await server.server.ctx
      .knex('notifications')
      .where({ id })
      .first<{ read_at: number | null }>();
    expect(row.read_at).not.toBeNull();
    // The server's copy (newer rev, its own readAt) replaces the local one.
    await waitFor(() => cached()!.readAt === Number(row.read_at), 5000, "the server's copy");
    expect(core.connection.lastError).toBeNull();
  });
});
