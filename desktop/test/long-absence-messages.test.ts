/**
 * A console that was away while many messages arrived ends with every one of them, in order,
 * none missing or doubled — and a thread it shows never has a hidden hole. The real console
 * core (SQLite cache file, sync engine) against a real server, on SQLite and PostgreSQL.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, Message } from '../../protocol';
import type { ConsoleEvent, ThreadMessage } from '../src/shared/console-api';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';
import { testDatabases } from '../../test/helpers/databases';
import { ADMIN, waitFor } from '../../test/helpers/server';
import {
  clientId,
  openConversation,
  startChatWorld,
  type ChatWorld,
  type TestUser,
} from '../../server/test/chat-fixtures';

describe.each(testDatabases())('console: messages after a long absence (%s)', (dbKind) => {
  let world: ChatWorld;
  let dir: string;
  const cores: ConsoleCore[] = [];

  beforeAll(async () => {
    world = await startChatWorld(dbKind, { olga: 'operator', ada: 'advertiser' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-absence-'));
  });
  afterAll(async () => {
    for (const c of cores) c.close();
    await world?.server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Olga's console, on a cache file that outlives it (the app quit and started again). */
  const tokens = new MemoryTokenStore();
  let cacheFile = '';
  async function openConsole(): Promise<ConsoleCore> {
    const core = new ConsoleCore(new ConsoleCache(cacheFile), tokens);
    cores.push(core);
    if (!tokens.get())
      await core.invoke('signIn', {
        serverUrl: world.server.url,
        email: world.users.olga!.email,
        password: ADMIN.password,
      });
    await waitFor(() => core.connection.status === 'live', 10_000, 'live');
    return core;
  }
  function quit(core: ConsoleCore): void {
    core.close();
    cores.splice(cores.indexOf(core), 1);
  }

  async function sendMany(from: TestUser, conversationId: string, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      world.server.chat.messages.limiter.reset(from.id);
      await world.server.chat.messages.send(from, {
        clientId: clientId(),
        conversationId,
        body: `message ${i + 1}`,
      });
    }
  }

  const seqsInCache = (core: ConsoleCore, conversationId: string): number[] =>
    (
      core.cache.db
        .prepare('SELECT seq FROM messages WHERE conversation_id = ? ORDER BY seq')
        .all(conversationId) as { seq: number }[]
    ).map((r) => r.seq);
  const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

  /** The thread as the renderer pages it: newest page, then "load earlier" until the start. */
  async function wholeThread(core: ConsoleCore, conversationId: string): Promise<number[]> {
    const seqs: number[] = [];
    let beforeSeq: number | undefined;
    for (;;) {
      const page = (await core.invoke(
        'loadMessages',
        beforeSeq ? { conversationId, beforeSeq } : { conversationId },
      )) as { messages: ThreadMessage[]; hasMore: boolean };
      seqs.unshift(...page.messages.map((m) => m.seq));
      if (!page.hasMore || page.messages.length === 0) return seqs;
      beforeSeq = page.messages[0]!.seq;
    }
  }

  it.each([60, 500])(
    'has all %i messages that arrived while it was closed',
    async (n) => {
      cacheFile = path.join(dir, `cache-${n}.db`);
      tokens.set(null);
      const { olga, ada } = world.users;
      const conv = await openConversation(world, olga!, {
        kind: 'group',
        participantIds: [ada!.id],
        title: `absence ${n}`,
      });
      await sendMany(ada!, conv.id, 5);
      let core = await openConsole();
      await waitFor(() => seqsInCache(core, conv.id).length === 5, 5000, 'the first 5');
      quit(core);

      await sendMany(ada!, conv.id, n);
      core = await openConsole();
      await waitFor(
        () => seqsInCache(core, conv.id).length >= n + 5,
        15_000,
        `${n + 5} messages in the cache`,
      );
      expect(seqsInCache(core, conv.id)).toEqual(upTo(n + 5));
      const bodies = (
        core.cache.db
          .prepare('SELECT json FROM messages WHERE conversation_id = ? ORDER BY seq')
          .all(conv.id) as { json: string }[]
      ).map((r) => (JSON.parse(r.json) as Message).body);
      expect(bodies.slice(5)).toEqual(upTo(n).map((i) => `message ${i}`));
      expect(await wholeThread(core, conv.id)).toEqual(upTo(n + 5));
      quit(core);
    },
    60_000,
  );

  it('repairs a hole an older console kept, and never shows a thread across one', async () => {
    cacheFile = path.join(dir, 'cache-hole.db');
    tokens.set(null);
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      participantIds: [ada!.id],
      title: 'hole',
    });
    await sendMany(ada!, conv.id, 120);
    let core = await openConsole();
    await waitFor(() => seqsInCache(core, conv.id).length === 120, 10_000, '120 cached');
    quit(core);
    // What a console of the capped sync kept: 51–60 never arrived, its cursor is past them.
    const cache = new ConsoleCache(cacheFile);
    cache.db
      .prepare('DELETE FROM messages WHERE conversation_id = ? AND seq BETWEEN 51 AND 60')
      .run(conv.id);
    expect(cache.messageGaps()).toEqual([{ conversationId: conv.id, afterSeq: 50, beforeSeq: 61 }]);
    // Read from the cache alone, the thread stops at the hole and says there is more.
    expect(cache.messages(conv.id, undefined, 100).map((m) => m.seq)).toEqual(
      Array.from({ length: 60 }, (_, i) => i + 61),
    );
    expect(cache.messages(conv.id, 61, 50)).toEqual([]);
    cache.close();

    core = await openConsole();
    await waitFor(() => seqsInCache(core, conv.id).length === 120, 10_000, 'the hole filled');
    expect(seqsInCache(core, conv.id)).toEqual(upTo(120));
    expect(core.cache.messageGaps()).toEqual([]);
    expect(await wholeThread(core, conv.id)).toEqual(upTo(120));
    quit(core);
  });

  it('gets every message of a thread that is not open while it stays connected', async () => {
    cacheFile = path.join(dir, 'cache-live.db');
    tokens.set(null);
    const { olga, ada } = world.users;
    const conv: Conversation = await openConversation(world, olga!, {
      kind: 'group',
      participantIds: [ada!.id],
      title: 'live, not open',
    });
    await sendMany(ada!, conv.id, 3);
    const core = await openConsole();
    await waitFor(() => seqsInCache(core, conv.id).length === 3, 5000, 'the first 3');
    const shown: number[] = [];
    core.subscribe((e: ConsoleEvent) => {
      if (e.type === 'messages' && e.conversationId === conv.id)
        shown.push(...e.messages.map((m) => m.seq));
    });
    // Not viewing: the server sends no `newMessage`, only `conversationUpdate`s.
    await sendMany(ada!, conv.id, 70);
    await waitFor(() => seqsInCache(core, conv.id).length === 73, 10_000, '73 cached');
    expect(seqsInCache(core, conv.id)).toEqual(upTo(73));
    // What the renderer was told: each new message, none skipped (its open threads stay whole).
    expect([...new Set(shown)].sort((a, b) => a - b)).toEqual(upTo(73).slice(3));
    quit(core);
  });
});
