/**
 * Hardening (issue 10): when the server ends the console's session (`session_ended`), or
 * refuses its token at the handshake (it expired while the console was away), the core stops
 * for good — no reconnecting with a dead token — drops the token, says why, and keeps the
 * cache and the outbox: the same user signing in again gets their queued actions sent; another
 * user signing in on that console discards them. Real server, real console core, a TCP proxy
 * for "the console's network went away".
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../protocol';
import type { ConnectionInfo } from '../src/shared/console-api';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';
import { ADMIN, api, waitFor } from '../../test/helpers/server';
import { startTcpProxy } from '../../test/helpers/tcp-proxy';
import {
  history,
  openConversation,
  startChatWorld,
  type ChatWorld,
} from '../../server/test/chat-fixtures';

describe('console: the server ends the session', () => {
  let world: ChatWorld;
  let conversation: Conversation;
  const cores: ConsoleCore[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-session-ended-'));
  const proxies: Awaited<ReturnType<typeof startTcpProxy>>[] = [];

  /** A console core and every connection state it reported. */
  function console_(tokens = new MemoryTokenStore(), cacheFile = ':memory:') {
    const core = new ConsoleCore(new ConsoleCache(cacheFile), tokens);
    cores.push(core);
    const states: ConnectionInfo[] = [];
    core.subscribe((e) => {
      if (e.type === 'connection') states.push(e.connection);
    });
    return { core, tokens, states };
  }

  async function signIn(core: ConsoleCore, serverUrl: string, email: string) {
    await core.invoke('signIn', { serverUrl, email, password: ADMIN.password });
    await waitFor(() => core.connection.status === 'live', 10_000, 'live');
  }

  beforeAll(async () => {
    world = await startChatWorld('sqlite', { olga: 'operator' });
    conversation = await openConversation(world, world.admin, {
      kind: 'group',
      title: 'Night shift',
      participantIds: [world.users.olga!.id],
    });
  });
  afterAll(async () => {
    for (const c of cores) if (c.cache.db.open) c.close();
    for (const p of proxies) await p.close();
    await world?.server.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a logout elsewhere signs the console out at once, with the reason, and it stays out', async () => {
    const cacheFile = path.join(tmp, 'logout.sqlite');
    const { core, tokens, states } = console_(new MemoryTokenStore(), cacheFile);
    await signIn(core, world.server.url, 'olga@test.local');
    await waitFor(() => core.cache.conversations().length === 1, 5000, 'the cache filled');
    const token = tokens.get()!;

    const t0 = Date.now();
    expect((await api(world.server, 'POST', '/api/auth/logout', {}, token)).status).toBe(204);
    await waitFor(() => core.connection.status === 'signedOut', 2000, 'signed out');
    const ms = Date.now() - t0;
    expect(ms).toBeLessThan(1000);
    expect(core.connection.signedOutBecause).toEqual({
      reason: 'logout',
      message: 'This session was signed out.',
    });
    expect(tokens.get()).toBeNull();
    // The offline cache stays (the same user signing in again starts from it).
    expect(core.cache.conversations()).toHaveLength(1);
    expect(core.snapshot().user?.email).toBe('olga@test.local');

    // No reconnecting with the dead token: nothing but "signed out" for 2.5 s (the engine's
    // reconnect delays are 0.5–2 s).
    const after = states.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(states.slice(after).map((s) => s.status)).toEqual([]);
    expect(core.connection.status).toBe('signedOut');
    console.log(`[session-ended] logout over REST → console signed out in ${ms} ms`);

    // A console started again later still says why, and opens from its cache.
    core.close();
    const again = console_(tokens, cacheFile).core;
    expect(again.connection.status).toBe('signedOut');
    expect(again.connection.signedOutBecause?.reason).toBe('logout');
    expect(again.snapshot().conversations).toHaveLength(1);
  });

  it('a token refused at the handshake (expired while away) ends the same way; the outbox waits for the same user', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: world.server.port });
    proxies.push(proxy);
    const { core, tokens, states } = console_();
    await signIn(core, proxy.url, 'olga@test.local');

    proxy.unplug();
    await waitFor(() => core.connection.status !== 'live', 5000, 'offline');
    const sent = (await core.invoke('sendMessage', {
      conversationId: conversation.id,
      body: 'Written while the session expired',
    })) as { clientId: string };
    expect(core.cache.outboxSize()).toBe(1);
    // The session expires while the console is away.
    await world.server.ctx
      .knex('sessions')
      .where({ user_id: world.users.olga!.id })
      .update({ expires_at: Date.now() - 1000 });
    proxy.plug();

    await waitFor(() => core.connection.status === 'signedOut', 10_000, 'signed out');
    expect(core.connection.signedOutBecause?.reason).toBe('refused');
    expect(core.connection.signedOutBecause?.message).toMatch(/sign in again/);
    expect(tokens.get()).toBeNull();
    const after = states.length;
    await new Promise((r) => setTimeout(r, 2500));
    expect(states.slice(after)).toEqual([]); // no retry with the refused token
    // Nothing the operator wrote is lost…
    expect(core.cache.outboxSize()).toBe(1);
    expect(core.connection.pendingActions).toBe(1);

    // …it goes out once the same person signs in again.
    await signIn(core, proxy.url, 'olga@test.local');
    expect(core.connection.signedOutBecause).toBeNull();
    await waitFor(() => core.cache.outboxSize() === 0, 5000, 'the outbox sent');
    const thread = await history(world, world.admin, conversation.id);
    expect(thread.filter((m) => m.clientId === sent.clientId)).toHaveLength(1);
  });

  it('another user signing in on that console discards the previous user’s unsent actions', async () => {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: world.server.port });
    proxies.push(proxy);
    const { core, tokens } = console_();
    await signIn(core, proxy.url, 'olga@test.local');
    proxy.unplug();
    await waitFor(() => core.connection.status !== 'live', 5000, 'offline');
    const sent = (await core.invoke('sendMessage', {
      conversationId: conversation.id,
      body: 'Olga wrote this; the admin must not send it',
    })) as { clientId: string };
    // An admin disables and enables Olga while the console is away: her session is revoked.
    const olga = world.users.olga!.id;
    for (const disabled of [true, false])
      await api(world.server, 'PATCH', `/api/users/${olga}`, { disabled }, world.admin.token);
    proxy.plug();
    await waitFor(() => core.connection.status === 'signedOut', 10_000, 'signed out');
    expect(tokens.get()).toBeNull();
    expect(core.cache.outboxSize()).toBe(1);

    await signIn(core, proxy.url, ADMIN.email);
    expect(core.cache.outboxSize()).toBe(0);
    expect(core.snapshot().user?.email).toBe(ADMIN.email);
    await new Promise((r) => setTimeout(r, 300));
    const thread = await history(world, world.admin, conversation.id);
    expect(thread.some((m) => m.clientId === sent.clientId)).toBe(false);
  });
});
