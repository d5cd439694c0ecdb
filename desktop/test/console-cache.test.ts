import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { Conversation, Message, Screen } from '../../protocol';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { migrations } from '../src/core/cache/migrations';

const dirs: string[] = [];
const tmpFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-cache-'));
  dirs.push(dir);
  return path.join(dir, 'cache.db');
};
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const screen = (id: string, rev: number, state: Screen['state'] = 'online'): Screen => ({
  id,
  name: `Screen ${id}`,
  address: null,
  lat: null,
  lng: null,
  tags: [],
  retired: false,
  state,
  stateSince: 1,
  lastSeen: 1,
  agentVersion: '1',
  capabilities: [],
  telemetry: null,
  rev,
});

describe('console cache', () => {
  it('keeps the newest revision of each entity whatever the arrival order', () => {
    const cache = new ConsoleCache(':memory:');
    expect(cache.upsertScreens([screen('a', 5, 'lost')])).toHaveLength(1);
    expect(cache.upsertScreens([screen('a', 3, 'online')])).toHaveLength(0);
    expect(cache.upsertScreens([screen('a', 7, 'offline'), screen('b', 1)])).toHaveLength(2);
    expect(
      cache
        .screens()
        .map((s) => [s.id, s.state, s.rev])
        .sort(),
    ).toEqual([
      ['a', 'offline', 7],
      ['b', 'online', 1],
    ]);
    cache.close();
  });

  it('merges telemetry patches only over older copies it holds', () => {
    const cache = new ConsoleCache(':memory:');
    cache.upsertScreens([screen('a', 5), screen('b', 9)]);
    const telemetry = {
      ts: 100,
      temperatureC: 41.5,
      cpuPct: 3,
      memoryPct: 20,
      diskPct: null,
      uptimeS: 10,
      display: { power: 'on' as const, brightness: 80 },
      content: null,
    };
    const { applied, missed } = cache.patchScreens([
      { id: 'a', rev: 6, baseRev: 5, lastSeen: 100, telemetry },
      { id: 'b', rev: 8, baseRev: 2, lastSeen: 100, telemetry }, // older than what the cache has
      { id: 'zz', rev: 7, baseRev: 7, lastSeen: 100, telemetry }, // not held: missed, sync
    ]);
    expect(applied.map((s) => s.id)).toEqual(['a']);
    expect(missed).toBe(1);
    const byId = new Map(cache.screens().map((s) => [s.id, s]));
    expect(byId.get('a')).toMatchObject({
      rev: 6,
      name: 'Screen a',
      telemetry: { temperatureC: 41.5 },
    });
    expect(byId.get('b')).toMatchObject({ rev: 9, telemetry: null });
    expect(byId.has('zz')).toBe(false);
    cache.close();
  });

  it('refuses a patch over a copy that missed a whole-screen change', () => {
    const cache = new ConsoleCache(':memory:');
    cache.upsertScreens([screen('a', 5, 'online')]);
    // Rev 8 made the screen offline (not seen here); rev 9 is telemetry on top of it.
    const { applied, missed } = cache.patchScreens([
      { id: 'a', rev: 9, baseRev: 8, lastSeen: 100, telemetry: null },
    ]);
    expect(applied).toEqual([]);
    expect(missed).toBe(1);
    expect(cache.screens()[0]).toMatchObject({ rev: 5, state: 'online' });
    cache.close();
  });

  it('survives a restart with its data and runs each migration once', () => {
    const file = tmpFile();
    const first = new ConsoleCache(file);
    first.upsertScreens([screen('a', 1)]);
    first.setMeta({ cursor: 42, serverUrl: 'http://x' });
    first.enqueue({ kind: 'ackAlarm', payload: { alarmId: 'al-1' } });
    first.close();
    const second = new ConsoleCache(file);
    expect(second.recoveredFrom).toBeNull();
    expect(second.screens()).toHaveLength(1);
    expect(second.getMeta()).toMatchObject({ cursor: 42, serverUrl: 'http://x' });
    expect(second.outbox().map((e) => e.kind)).toEqual(['ackAlarm']);
    expect(second.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    second.close();
  });

  it('keeps the outbox in the order the operator acted', () => {
    const cache = new ConsoleCache(':memory:');
    cache.enqueue({ kind: 'markRead', payload: { conversationId: 'c', seq: 1 } });
    const second = cache.enqueue({ kind: 'ackAlarm', payload: { alarmId: 'x' } });
    cache.enqueue({ kind: 'markRead', payload: { conversationId: 'c', seq: 2 } });
    cache.removeFromOutbox(second.seq);
    expect(cache.outbox().map((e) => e.payload)).toEqual([
      { conversationId: 'c', seq: 1 },
      { conversationId: 'c', seq: 2 },
    ]);
    expect(cache.outboxSize()).toBe(2);
    cache.close();
  });

  it('moves a corrupt cache aside and starts empty instead of crashing', () => {
    const file = tmpFile();
    fs.writeFileSync(file, 'this is not a database '.repeat(500));
    const cache = new ConsoleCache(file);
    expect(cache.recoveredFrom).toMatch(/\.corrupt-\d+$/);
    expect(fs.existsSync(cache.recoveredFrom!)).toBe(true);
    expect(cache.screens()).toEqual([]);
    cache.upsertScreens([screen('a', 1)]);
    expect(cache.screens()).toHaveLength(1);
    cache.close();
  });

  it('refuses a cache written by a newer console by rebuilding it', () => {
    const file = tmpFile();
    const c = new ConsoleCache(file);
    c.db.pragma(`user_version = ${migrations.length + 5}`);
    c.close();
    const again = new ConsoleCache(file);
    expect(again.recoveredFrom).not.toBeNull();
    expect(again.db.pragma('user_version', { simple: true })).toBe(migrations.length);
    again.close();
  });
  it('reads a thread only as a run of consecutive seqs, and stores each last message', () => {
    const cache = new ConsoleCache(':memory:');
    const msg = (seq: number): Message => ({
      id: `m${seq}`,
      clientId: `client-${seq}`,
      conversationId: 'c1',
      senderId: 'u1',
      senderName: 'U',
      body: `n${seq}`,
      seq,
      createdAt: seq,
      rev: seq,
    });
    cache.upsertMessages([1, 2, 3, 4, 7, 8, 9].map(msg));
    expect(cache.messages('c1', undefined, 10).map((m) => m.seq)).toEqual([7, 8, 9]);
    expect(cache.messages('c1', 7, 10)).toEqual([]); // 5 and 6 missing: a hole, not a page
    expect(cache.messages('c1', 5, 10).map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(cache.messageGaps()).toEqual([{ conversationId: 'c1', afterSeq: 4, beforeSeq: 7 }]);
    expect(cache.hasHoleBelow('c1', 7)).toBe(true);
    expect(cache.hasHoleBelow('c1', 9)).toBe(false);
    const conv = { id: 'c1', lastMessage: msg(12), rev: 12 } as unknown as Conversation;
    expect(cache.storeLastMessages([conv]).map((m) => m.seq)).toEqual([12]);
    expect(cache.storeLastMessages([conv])).toEqual([]); // already there
    // The newest is 12 now, 10 and 11 are missing: the newest page is just 12.
    expect(cache.messages('c1', undefined, 10).map((m) => m.seq)).toEqual([12]);
    cache.close();
  });

  it("migrates a cache of an older console: its conversations' last messages become messages", () => {
    const file = tmpFile();
    const old = new Database(file);
    migrations[0]!(old);
    migrations[1]!(old);
    old.pragma('user_version = 2');
    const last = { id: 'm60', clientId: 'client-60', conversationId: 'c1', seq: 60, rev: 99 };
    old
      .prepare('INSERT INTO conversations (id, rev, json) VALUES (?, ?, ?)')
      .run('c1', 99, JSON.stringify({ id: 'c1', lastMessage: last, rev: 99 }));
    old
      .prepare('INSERT INTO conversations (id, rev, json) VALUES (?, ?, ?)')
      .run('c2', 5, JSON.stringify({ id: 'c2', lastMessage: null, rev: 5 }));
    old.close();
    const cache = new ConsoleCache(file);
    expect(cache.messages('c1', undefined, 10)).toEqual([last]);
    expect(cache.messages('c2', undefined, 10)).toEqual([]);
    cache.close();
  });
});
