/**
 * Hardening (issue 10): an advertiser's console drops a screen the moment the server stops
 * sharing it (`BillboardStatusUpdate.forget`): out of the cache and out of the store, so the
 * fleet wall no longer shows it. Real server, real console core, access gained and lost as
 * in server/test/advertiser-live.test.ts (a conversation about the screen).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import type { ConsoleEvent } from '../src/shared/console-api';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';
import { ADMIN, api, waitFor } from '../../test/helpers/server';
import { openConversation, startChatWorld, type ChatWorld } from '../../server/test/chat-fixtures';

describe('console: a screen no longer shared with an advertiser', () => {
  let world: ChatWorld;
  let core: ConsoleCore;
  const events: ConsoleEvent[] = [];

  beforeAll(async () => {
    world = await startChatWorld('sqlite', { ada: 'advertiser' });
    for (const id of ['fg-linked', 'fg-kept']) {
      const res = await api<CreateScreenResponse>(
        world.server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${id}` },
        world.admin.token,
      );
      expect(res.status).toBe(201);
    }
    await openConversation(world, world.admin, {
      kind: 'group',
      title: 'About the kept screen',
      participantIds: [world.users.ada!.id],
      screenId: 'fg-kept',
    });
    core = new ConsoleCore(new ConsoleCache(':memory:'), new MemoryTokenStore());
    core.subscribe((e) => events.push(e));
  });
  afterAll(async () => {
    core?.close();
    await world?.server.stop();
  });

  const cachedIds = () =>
    core.cache
      .screens()
      .map((s) => s.id)
      .sort();

  it('is removed from the cache when the advertiser loses access, live', async () => {
    await core.invoke('signIn', {
      serverUrl: world.server.url,
      email: 'ada@test.local',
      password: ADMIN.password,
    });
    await waitFor(() => core.connection.status === 'live', 10_000, 'live');
    expect(cachedIds()).toEqual(['fg-kept']);

    const conversation = await openConversation(world, world.admin, {
      kind: 'group',
      title: 'About the linked screen',
      participantIds: [world.users.ada!.id],
      screenId: 'fg-linked',
    });
    await waitFor(() => cachedIds().includes('fg-linked'), 3000, 'the newly shared screen');
    await core.invoke('getScreenHistory', { screenId: 'fg-linked' });
    expect(core.cache.screenHistory('fg-linked')).not.toBeNull();

    const left = await api(
      world.server,
      'DELETE',
      `/api/conversations/${conversation.id}/participants/${world.users.ada!.id}`,
      undefined,
      world.users.ada!.token,
    );
    expect(left.status).toBe(200);
    await waitFor(() => !cachedIds().includes('fg-linked'), 3000, 'the screen forgotten');
    expect(cachedIds()).toEqual(['fg-kept']);
    expect(core.cache.screenHistory('fg-linked')).toBeNull();
    expect(core.snapshot().screens.map((s) => s.id)).toEqual(['fg-kept']);
    expect(events).toContainEqual({ type: 'screensForgotten', screenIds: ['fg-linked'] });
  });

  it('is removed at the next sync when access ended while the console was closed', async () => {
    const cacheFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-fg-')), 'c.db');
    const tokens = new MemoryTokenStore();
    let closed = new ConsoleCore(new ConsoleCache(cacheFile), tokens);
    await closed.invoke('signIn', {
      serverUrl: world.server.url,
      email: 'ada@test.local',
      password: ADMIN.password,
    });
    const conversation = await openConversation(world, world.admin, {
      kind: 'group',
      title: 'About the linked screen, again',
      participantIds: [world.users.ada!.id],
      screenId: 'fg-linked',
    });
    const ids = (c: ConsoleCore) =>
      c.cache
        .screens()
        .map((s) => s.id)
        .sort();
    await waitFor(() => ids(closed).includes('fg-linked'), 5000, 'the shared screen');
    closed.close();

    const removed = await api(
      world.server,
      'DELETE',
      `/api/conversations/${conversation.id}/participants/${world.users.ada!.id}`,
      undefined,
      world.admin.token,
    );
    expect(removed.status).toBe(200);
    closed = new ConsoleCore(new ConsoleCache(cacheFile), tokens);
    try {
      expect(ids(closed)).toContain('fg-linked'); // what it had when it closed
      await waitFor(() => closed.connection.status === 'live', 10_000, 'live again');
      await waitFor(() => !ids(closed).includes('fg-linked'), 3000, 'the screen forgotten');
      expect(ids(closed)).toEqual(['fg-kept']);
    } finally {
      closed.close();
    }
  });
});
