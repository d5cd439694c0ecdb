/**
 * The paging contract of `sync`: an answer carries every change with `cursor < rev ≤ answer's
 * cursor` (no source capped), answers stay near SYNC_PAGE_BYTES, a revision is never split,
 * and the cursor never skips a change — also while changes keep committing between pages.
 * Real server, real SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Notification, Screen, SyncResult } from '../../protocol';
import { currentRevision, reserveRevisions } from '../src/db/revisions';
import { runSync, SYNC_PAGE_BYTES } from '../src/realtime/sync';
import type { SyncSource } from '../src/context';
import { testDatabases } from '../../test/helpers/databases';
import {
  call,
  clientId,
  connect,
  openConversation,
  startChatWorld,
  type ChatWorld,
  type TestUser,
} from './chat-fixtures';

/** Sends through the server's one send path (socket and REST share it), without its rate limit. */
async function send(world: ChatWorld, from: TestUser, conversationId: string, body: string) {
  world.server.chat.messages.limiter.reset(from.id);
  return (
    await world.server.chat.messages.send(from, { clientId: clientId(), conversationId, body })
  ).message;
}

function sources(world: ChatWorld): SyncSource[] {
  const { fleet, chat, alarms, commands } = world.server;
  return [fleet, chat, alarms, commands].flatMap((f) => (f.sync ? [f.sync] : []));
}

/** What a console keeps: the newest copy of each entity by rev. */
class Replica {
  readonly messages = new Map<string, Message>();
  readonly notifications = new Map<string, Notification>();
  readonly screens = new Map<string, Screen>();
  cursor = 0;
  pages = 0;
  apply(r: SyncResult): void {
    for (const m of r.messages) this.keep(this.messages, m);
    for (const n of r.notifications) this.keep(this.notifications, n);
    for (const s of r.screens) this.keep(this.screens, s);
    this.pages += 1;
  }
  private keep<T extends { id: string; rev: number }>(map: Map<string, T>, item: T): void {
    const had = map.get(item.id);
    if (!had || had.rev <= item.rev) map.set(item.id, item);
  }
}

describe.each(testDatabases())('sync paging (%s)', (dbKind) => {
  let world: ChatWorld;

  beforeAll(async () => {
    world = await startChatWorld(dbKind, { olga: 'operator', ada: 'advertiser' });
  });
  afterAll(async () => {
    await world?.server.stop();
  });

  it('brings every message of a long absence, over several answers that each stay under the page size', async () => {
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
    });
    const rec = await connect(world.server, olga!);
    // The console was in sync here, then away.
    let cursor = await currentRevision(world.server.ctx.knex);
    // 1,200 messages of 4,000 characters: ~5 MB of JSON, estimated at ~15 MB.
    const long = 'x'.repeat(4000);
    for (let i = 1; i <= 1200; i++) await send(world, ada!, conv.id, `${i} ${long}`.slice(0, 4000));

    const got: Message[] = [];
    const sizes: number[] = [];
    for (;;) {
      const r = await call<SyncResult>(rec.socket, 'sync', { cursor });
      sizes.push(JSON.stringify(r).length);
      expect(r.cursor).toBeGreaterThan(cursor);
      got.push(...r.messages.filter((m) => m.conversationId === conv.id));
      cursor = r.cursor;
      if (!r.more) break;
    }
    rec.close();
    expect(sizes.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(SYNC_PAGE_BYTES);
    expect(got.map((m) => m.seq)).toEqual(Array.from({ length: 1200 }, (_, i) => i + 1));
  }, 120_000); // 1,200 sends: ~13 s on PostgreSQL on a shared 2-core box

  it('never skips a change while messages, notifications and screens keep changing between pages', async () => {
    const { knex } = world.server.ctx;
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'interleaved',
      participantIds: [ada!.id],
    });
    const replica = new Replica();
    const startRev = await currentRevision(knex);
    replica.cursor = startRev;
    const all = sources(world);
    // Writers: messages from both sides, notifications, and screen changes in batches of one
    // revision per screen (as the status writer stamps them), all committing while we page.
    let writing = true;
    const writers = (async () => {
      for (let i = 0; i < 150; i++) {
        await send(world, i % 2 ? olga! : ada!, conv.id, `m${i}`);
        if (i % 5 === 0)
          await world.server.chat.notifier.notifyUsers([olga!.id], {
            kind: 'announcement',
            title: `n${i}`,
            body: 'b',
            ref: null,
          });
        if (i % 10 === 0) await changeScreens(knex, 20, i);
        if (i === 100) await world.server.chat.notifications.markAllRead(olga!);
      }
      writing = false;
    })();
    // Tiny pages: a few rows each, so the windows end everywhere among the writes.
    for (;;) {
      const r = await runSync(knex, all, olga!, replica.cursor, { pageBytes: 3000 });
      expect(r.cursor).toBeGreaterThanOrEqual(replica.cursor);
      replica.apply(r);
      replica.cursor = r.cursor;
      if (!r.more && !writing) break;
    }
    await writers;
    for (;;) {
      const r = await runSync(knex, all, olga!, replica.cursor, { pageBytes: 3000 });
      replica.apply(r);
      replica.cursor = r.cursor;
      if (!r.more) break;
    }
    expect(replica.pages).toBeGreaterThan(20);

    const msgs: { id: string; rev: number | string }[] = await knex('messages')
      .where({ conversation_id: conv.id })
      .select('id', 'rev');
    expect(msgs).toHaveLength(150);
    for (const m of msgs) expect(replica.messages.get(m.id)?.rev).toBe(Number(m.rev));
    const notes: { id: string; rev: number | string; read_at: unknown }[] = await knex(
      'notifications',
    )
      .where({ user_id: olga!.id })
      .where('rev', '>', startRev)
      .select('id', 'rev', 'read_at');
    expect(notes.length).toBeGreaterThan(100);
    for (const n of notes) {
      const mine = replica.notifications.get(n.id);
      expect(mine?.rev, `notification ${n.id}`).toBe(Number(n.rev));
      expect(mine?.readAt ?? null).toBe(n.read_at === null ? null : Number(n.read_at));
    }
    const screens: { id: string; rev: number | string }[] = await knex('screens')
      .where('rev', '>', startRev)
      .select('id', 'rev');
    expect(screens).toHaveLength(20);
    for (const s of screens) expect(replica.screens.get(s.id)?.rev).toBe(Number(s.rev));
  });

  it('takes a revision bigger than a page whole instead of splitting or stalling on it', async () => {
    const { knex } = world.server.ctx;
    const { olga } = world.users;
    for (let i = 0; i < 40; i++)
      await world.server.chat.notifier.notifyUsers([olga!.id], {
        kind: 'announcement',
        title: `bulk ${i}`,
        body: 'x'.repeat(200),
        ref: null,
      });
    const from = await currentRevision(knex);
    const marked = await world.server.chat.notifications.markAllRead(olga!);
    expect(marked).toBeGreaterThanOrEqual(40);
    // One revision of ≥ 40 notifications of ~1 KB estimated each, against a 2 KB page.
    const r = await runSync(knex, sources(world), olga!, from, { pageBytes: 2000 });
    expect(r.cursor).toBe(from + 1);
    expect(r.notifications).toHaveLength(marked);
    expect(r.more).toBe(false);
  });

  it('pages alarms like everything else (they had no cap, so no page either)', async () => {
    const { knex } = world.server.ctx;
    const from = await currentRevision(knex);
    await knex.transaction(async (trx) => {
      const first = await reserveRevisions(trx, 3000);
      const now = Date.now();
      const rows = Array.from({ length: 3000 }, (_, i) => ({
        id: `al-page-${i}`,
        screen_id: `pg-${i % 50}`,
        kind: 'fault',
        code: `E${i}`,
        severity: 'warning',
        status: 'cleared',
        message: `Fault E${i} on the player, cleared by the agent`,
        raised_at: now,
        updated_at: now,
        cleared_at: now,
        rev: first + i,
      }));
      for (let i = 0; i < rows.length; i += 500) await trx('alarms').insert(rows.slice(i, i + 500));
    });
    const ids: string[] = [];
    let cursor = from;
    let answers = 0;
    for (;;) {
      const r = await runSync(knex, sources(world), world.admin, cursor, { pageBytes: 100_000 });
      expect(r.cursor).toBeGreaterThan(cursor);
      ids.push(...r.alarms.map((a) => a.id));
      answers += 1;
      cursor = r.cursor;
      if (!r.more) break;
    }
    expect(answers).toBeGreaterThan(5);
    expect(ids).toHaveLength(3000);
    expect(new Set(ids).size).toBe(3000);
  });

  it('pages 10,000 changed screens in answers under the page size', async () => {
    const { knex } = world.server.ctx;
    const from = await currentRevision(knex);
    await changeScreens(knex, 10_000, 1);
    const rec = await connect(world.server, world.admin);
    const seen = new Set<string>();
    let cursor = from;
    let answers = 0;
    for (;;) {
      const r = await call<SyncResult>(rec.socket, 'sync', { cursor });
      expect(JSON.stringify(r).length).toBeLessThanOrEqual(SYNC_PAGE_BYTES);
      for (const s of r.screens) seen.add(s.id);
      answers += 1;
      cursor = r.cursor;
      if (!r.more) break;
    }
    rec.close();
    expect(seen.size).toBe(10_000);
    expect(answers).toBeGreaterThan(1);
  });
});

/**
 * Changes `count` screens (`pg-0` … created on first use) in one transaction with one
 * revision each, the way the status writer stores a tick: realistic rows, ~0.6 KB each.
 */
async function changeScreens(
  knex: ChatWorld['server']['ctx']['knex'],
  count: number,
  round: number,
): Promise<void> {
  await knex.transaction(async (trx) => {
    const first = await reserveRevisions(trx, count);
    const now = Date.now();
    const rows = Array.from({ length: count }, (_, i) => ({
      id: `pg-${i}`,
      name: `Screen ${i} on Example Street`,
      address: `${i} Example Street, Springfield`,
      tags: JSON.stringify(['downtown', 'north']),
      capabilities: JSON.stringify(['reboot', 'setBrightness', 'setPower', 'refreshContent']),
      state: 'unknown',
      telemetry: JSON.stringify({
        ts: now,
        temperatureC: 41.5,
        cpuPct: 12.25,
        memoryPct: 48.5,
        diskPct: 61.25,
        uptimeS: 86_400 + round,
        display: { power: 'on', brightness: 80 },
        content: {
          creativeId: 'cr-2026-spring-0042',
          campaignId: 'cmp-2026-spring',
          title: 'Spring sale, all week',
          since: now - 60_000,
        },
      }),
      rev: first + i,
      created_at: now,
    }));
    for (let i = 0; i < rows.length; i += 500)
      await trx('screens')
        .insert(rows.slice(i, i + 500))
        .onConflict('id')
        .merge(['telemetry', 'rev']);
  });
}
