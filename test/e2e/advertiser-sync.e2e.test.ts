/**
 * An advertiser's console gets the screens linked to them through `sync` even when the link
 * (a conversation about the screen) is newer than the screen's last change: the sync slice
 * used to send only screens changed in the window, so a screen linked after the advertiser's
 * cursor passed it never reached their cache ("No screen with id … is known"). And nothing of
 * the screens not linked to them. On SQLite and PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../desktop/src/core/console-core';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { MemoryTokenStore } from '../../desktop/src/core/token-store';
import { testDatabases } from '../helpers/databases';
import { api, login, startTestServer, type TestServer } from '../helpers/server';

const poll = { timeout: 10_000, interval: 50 };
const AD = { email: 'lin@adverts.test', password: 'lin-advertiser-1' };

describe.each(testDatabases())('advertiser sync (%s)', (kind) => {
  let server: TestServer | undefined;
  let core: ConsoleCore | undefined;
  afterEach(async () => {
    core?.close();
    await server?.stop();
  });

  it('carries a screen linked after the advertiser synced, and no other screen', async () => {
    server = await startTestServer(kind);
    const { token } = await login(server);
    for (const id of ['ad-a', 'ad-b', 'ad-c'])
      await api(server, 'POST', '/api/screens', { id, name: `Screen ${id}` }, token);
    const ad = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...AD, name: 'Lin', role: 'advertiser' },
      token,
    );
    const link = (screenId: string) =>
      api(
        server!,
        'POST',
        '/api/conversations',
        { kind: 'direct', participantIds: [ad.body.user.id], screenId, title: screenId },
        token,
      );
    expect((await link('ad-a')).status).toBe(201);

    const cacheFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-ad-')), 'cache.db');
    const tokens = new MemoryTokenStore();
    core = new ConsoleCore(new ConsoleCache(cacheFile), tokens);
    await core.invoke('signIn', { serverUrl: server.url, ...AD });
    await expect.poll(() => core!.connection.status, poll).toBe('live');
    expect(core.cache.screens().map((s) => s.id)).toEqual(['ad-a']);

    // Linked while this console is closed (so no live push can carry it); ad-b's last change
    // is older than the advertiser's cursor, and only `sync` can bring it.
    core.close();
    expect((await link('ad-b')).status).toBe(201);
    core = new ConsoleCore(new ConsoleCache(cacheFile), tokens);
    await expect.poll(() => core!.connection.status, poll).toBe('live');
    await expect.poll(() => core!.cache.conversations().length, poll).toBe(2);
    await expect
      .poll(
        () =>
          core!.cache
            .screens()
            .map((s) => s.id)
            .sort(),
        poll,
      )
      .toEqual(['ad-a', 'ad-b']);
  });
});
