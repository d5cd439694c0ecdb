import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Message, Notification, SyncResult } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  call,
  clientId,
  connect,
  history,
  openConversation,
  request,
  resetRateLimits,
  startChatWorld,
  type ChatWorld,
  type Recorder,
  type TestUser,
} from './chat-fixtures';

/** A small console: live events plus `sync` from its cursor after every (re)connect, and an outbox. */
class MiniConsole {
  rec: Recorder | null = null;
  cursor = 0;
  readonly messages = new Map<string, Message>();
  readonly outbox = new Map<string, string>();
  connects = 0;
  /** Send attempts for a clientId already tried once (a retry). */
  retries = 0;
  private readonly tried = new Set<string>();

  constructor(
    private readonly world: ChatWorld,
    private readonly user: TestUser,
    private readonly conversationId: string,
  ) {}

  get online(): boolean {
    return !!this.rec?.socket.connected;
  }

  async connect(): Promise<void> {
    const rec = await connect(this.world.server, this.user);
    rec.socket.on('newMessage', (m) => {
      if (m.conversationId === this.conversationId) this.messages.set(m.id, m);
    });
    this.rec = rec;
    this.connects += 1;
    await call(rec.socket, 'joinRoom', { room: `conversation:${this.conversationId}` });
    await this.sync();
    for (const [cid, body] of [...this.outbox]) await this.trySend(cid, body);
  }

  disconnect(): void {
    this.rec?.close();
    this.rec = null;
  }

  async sync(): Promise<void> {
    for (;;) {
      const r = await call<SyncResult>(this.rec!.socket, 'sync', { cursor: this.cursor });
      for (const m of r.messages)
        if (m.conversationId === this.conversationId) this.messages.set(m.id, m);
      this.cursor = r.cursor;
      if (!r.more) return;
    }
  }

  async send(body: string): Promise<void> {
    const cid = clientId();
    this.outbox.set(cid, body);
    if (this.online) await this.trySend(cid, body);
  }

  private async trySend(cid: string, body: string): Promise<void> {
    const rec = this.rec;
    if (!rec) return;
    if (this.tried.has(cid)) this.retries += 1;
    this.tried.add(cid);
    try {
      const res = await request<Message>(
        rec.socket,
        'sendMessage',
        { clientId: cid, conversationId: this.conversationId, body },
        1500,
      );
      if (res.ok) {
        this.messages.set(res.data.id, res.data);
        this.outbox.delete(cid);
      } else {
        throw new Error(`sendMessage refused: ${res.error.code} ${res.error.message}`);
      }
    } catch (err) {
      // Dropped mid-flight: stays in the outbox and is retried with the same clientId.
      if ((err as Error).message.startsWith('sendMessage refused')) throw err;
    }
  }

  ordered(): Pick<Message, 'id' | 'seq' | 'senderId' | 'body' | 'clientId'>[] {
    return [...this.messages.values()]
      .sort((a, b) => a.seq - b.seq)
      .map(({ id, seq, senderId, body, clientId }) => ({ id, seq, senderId, body, clientId }));
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDatabases())('chat: messages, ordering, read receipts (%s)', (dbKind) => {
  let world: ChatWorld;

  beforeAll(async () => {
    world = await startChatWorld(dbKind, {
      olga: 'operator',
      oscar: 'operator',
      ada: 'advertiser',
    });
  });
  afterAll(async () => {
    await world?.server.stop();
  });
  beforeEach(() => resetRateLimits(world));

  it('stores and delivers a message retried five times (across a reconnect and concurrently) once', async () => {
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
    });
    const observer = await connect(world.server, ada!);
    await call(observer.socket, 'joinRoom', { room: `conversation:${conv.id}` });
    let sender = await connect(world.server, olga!);
    const req = { clientId: clientId(), conversationId: conv.id, body: 'once, please' };

    const first = await call<Message>(sender.socket, 'sendMessage', req);
    const second = await call<Message>(sender.socket, 'sendMessage', req);
    sender.close();
    sender = await connect(world.server, olga!);
    const afterReconnect = await call<Message>(sender.socket, 'sendMessage', req);
    const viaRest = await api<{ message: Message }>(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/messages`,
      { clientId: req.clientId, body: req.body },
      olga!.token,
    );
    expect(viaRest.status).toBe(200);
    const fifth = await call<Message>(sender.socket, 'sendMessage', req);
    for (const m of [second, afterReconnect, viaRest.body.message, fifth]) expect(m).toEqual(first);

    // Five racing attempts of a new message from two tabs: one row.
    const tab2 = await connect(world.server, olga!);
    const racing = { clientId: clientId(), conversationId: conv.id, body: 'raced' };
    const results = await Promise.all(
      [sender, tab2, sender, tab2, sender].map((s) =>
        call<Message>(s.socket, 'sendMessage', racing),
      ),
    );
    expect(new Set(results.map((m) => m.id)).size).toBe(1);

    // A marker message: anything duplicated would have reached the observer before it.
    const marker = await call<Message>(sender.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'marker',
    });
    await waitFor(() => observer.got('newMessage').some((m) => m.id === marker.id), 3000, 'marker');
    const got = observer.got('newMessage');
    expect(got.filter((m) => m.clientId === req.clientId)).toHaveLength(1);
    expect(got.filter((m) => m.clientId === racing.clientId)).toHaveLength(1);
    expect(got.map((m) => m.seq)).toEqual([1, 2, 3]);
    const rows = await world.server.ctx
      .knex('messages')
      .where({ conversation_id: conv.id })
      .select('client_id');
    expect(rows).toHaveLength(3);

    const otherConv = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [world.users.oscar!.id],
    });
    const reused = await request(sender.socket, 'sendMessage', {
      ...req,
      conversationId: otherConv.id,
    });
    expect(reused).toMatchObject({ ok: false, error: { code: 'conflict' } });
    for (const s of [observer, sender, tab2]) s.close();
  });

  it('gives concurrent senders one dense order (seq 1..N, no collisions)', async () => {
    const { olga, oscar, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'race',
      participantIds: [oscar!.id, ada!.id],
    });
    const sockets = await Promise.all(
      [olga!, oscar!, ada!, olga!].map((u) => connect(world.server, u)),
    );
    const sent = await Promise.all(
      sockets.flatMap((s, i) =>
        Array.from({ length: 4 }, (_, k) =>
          call<Message>(s.socket, 'sendMessage', {
            clientId: clientId(),
            conversationId: conv.id,
            body: `s${i}-m${k}`,
          }),
        ),
      ),
    );
    expect(sent.map((m) => m.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 16 }, (_, i) => i + 1),
    );
    const stored = await history(world, olga!, conv.id);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    expect(new Set(stored.map((m) => m.id))).toEqual(new Set(sent.map((m) => m.id)));
    for (const s of sockets) s.close();
  });

  it('ends two consoles with identical histories while one drops and reconnects at random', async () => {
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'flaky link',
      participantIds: [ada!.id],
    });
    const a = new MiniConsole(world, olga!, conv.id);
    const b = new MiniConsole(world, ada!, conv.id);
    await a.connect();
    await b.connect();

    // Seeded, one generator per side, so the drops are the same on every run.
    const rng = (seed: number) => () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const randomA = rng(7);
    const randomB = rng(11);
    const perSide = 15;
    const aSends = (async () => {
      for (let i = 0; i < perSide; i++) {
        await a.send(`a${i}`);
        await pause(5 + randomA() * 25);
      }
    })();
    const bSends = (async () => {
      for (let i = 0; i < perSide; i++) {
        // Not awaited while offline: the outbox keeps it until the next connect.
        const sending = b.send(`b${i}`);
        if (randomB() < 0.3) {
          b.disconnect();
          await pause(randomB() * 60);
          await b.connect();
        }
        await sending;
        await pause(5 + randomB() * 25);
      }
    })();
    await Promise.all([aSends, bSends]);
    if (!b.online) await b.connect();
    while (b.outbox.size > 0) {
      b.disconnect();
      await b.connect();
    }
    await a.sync();
    await b.sync();
    expect(b.connects).toBeGreaterThanOrEqual(3);
    expect(a.connects).toBe(1);
    // Sends were cut mid-flight and retried from the outbox with their clientId.
    expect(b.retries).toBeGreaterThanOrEqual(1);

    const stored = await history(world, olga!, conv.id);
    expect(stored).toHaveLength(2 * perSide);
    expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 2 * perSide }, (_, i) => i + 1));
    const expected = stored.map(({ id, seq, senderId, body, clientId }) => ({
      id,
      seq,
      senderId,
      body,
      clientId,
    }));
    expect(a.ordered()).toEqual(expected);
    expect(b.ordered()).toEqual(expected);
    // Each side's own messages keep their sending order.
    const mine = (who: string) => stored.filter((m) => m.body.startsWith(who)).map((m) => m.body);
    expect(mine('a')).toEqual(Array.from({ length: perSide }, (_, i) => `a${i}`));
    expect(mine('b')).toEqual(Array.from({ length: perSide }, (_, i) => `b${i}`));
    a.disconnect();
    b.disconnect();
  });

  it('keeps read receipts and unread counts consistent', async () => {
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'receipts',
      participantIds: [ada!.id],
    });
    const olgaS = await connect(world.server, olga!);
    await call(olgaS.socket, 'joinRoom', { room: `conversation:${conv.id}` });
    const adaS = await connect(world.server, ada!);
    for (const body of ['one', 'two', 'three']) {
      await call(olgaS.socket, 'sendMessage', {
        clientId: clientId(),
        conversationId: conv.id,
        body,
      });
    }
    const unreadOf = async (token: string) => {
      const res = await api<{ conversations: Conversation[] }>(
        world.server,
        'GET',
        '/api/conversations',
        undefined,
        token,
      );
      return res.body.conversations.find((c) => c.id === conv.id)!.unread;
    };
    expect(await unreadOf(ada!.token)).toBe(3);
    expect(await unreadOf(olga!.token)).toBe(0);
    // Ada was not viewing: her consoles got the inbox updates and a notification per message.
    await waitFor(
      () => adaS.got('conversationUpdate').some((c) => c.id === conv.id && c.unread === 3),
      3000,
      'unread 3',
    );
    await waitFor(
      () => adaS.got('notification').filter((n) => n.ref?.id === conv.id).length === 3,
      3000,
      'notes',
    );

    expect(await call(adaS.socket, 'markRead', { conversationId: conv.id, seq: 2 })).toEqual({
      conversationId: conv.id,
      seq: 2,
    });
    await waitFor(
      () => olgaS.got('messageRead').some((r) => r.userId === ada!.id && r.seq === 2),
      3000,
      'receipt',
    );
    expect(await unreadOf(ada!.token)).toBe(1);
    // Backwards is a no-op answered with the current marker; past the end is clamped.
    expect(await call(adaS.socket, 'markRead', { conversationId: conv.id, seq: 1 })).toEqual({
      conversationId: conv.id,
      seq: 2,
    });
    expect(await call(adaS.socket, 'markRead', { conversationId: conv.id, seq: 99 })).toEqual({
      conversationId: conv.id,
      seq: 3,
    });
    expect(await unreadOf(ada!.token)).toBe(0);
    const view = await api<{ conversation: Conversation }>(
      world.server,
      'GET',
      `/api/conversations/${conv.id}`,
      undefined,
      olga!.token,
    );
    expect(view.body.conversation.participants.find((p) => p.userId === ada!.id)?.lastReadSeq).toBe(
      3,
    );
    // Caught up: the message notifications are read too, and consoles were told.
    const notes = await api<{ notifications: Notification[]; unread: number }>(
      world.server,
      'GET',
      '/api/notifications?unread=1',
      undefined,
      ada!.token,
    );
    expect(notes.body.notifications.filter((n) => n.ref?.id === conv.id)).toEqual([]);
    await waitFor(
      () =>
        adaS.got('notification').filter((n) => n.ref?.id === conv.id && n.readAt !== null)
          .length === 3,
      3000,
      'read',
    );

    // Sending moves the sender's marker; sync agrees with REST.
    await call(adaS.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'four',
    });
    const s = await call<SyncResult>(adaS.socket, 'sync', { cursor: 0 });
    const synced = s.conversations.find((c) => c.id === conv.id)!;
    expect(synced.unread).toBe(0);
    expect(synced.lastMessage?.body).toBe('four');
    expect(await unreadOf(olga!.token)).toBe(1);
    const restRead = await api(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/read`,
      { seq: 4 },
      olga!.token,
    );
    expect(restRead).toEqual({ status: 200, body: { conversationId: conv.id, seq: 4 } });
    expect(await unreadOf(olga!.token)).toBe(0);
    olgaS.close();
    adaS.close();
  });

  it('pages history backwards; a sync carries every message since the cursor', async () => {
    const { olga, oscar } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'long',
      participantIds: [oscar!.id],
    });
    const s = await connect(world.server, olga!);
    const start = await call<SyncResult>(s.socket, 'sync', { cursor: 0 });
    for (let i = 1; i <= 60; i++) {
      if (i % 20 === 0) resetRateLimits(world);
      await call(s.socket, 'sendMessage', {
        clientId: clientId(),
        conversationId: conv.id,
        body: `n${i}`,
      });
    }
    const page = await api<{ messages: Message[]; hasMore: boolean }>(
      world.server,
      'GET',
      `/api/conversations/${conv.id}/messages?beforeSeq=31&limit=10`,
      undefined,
      oscar!.token,
    );
    expect(page.body.messages.map((m) => m.seq)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    expect(page.body.hasMore).toBe(true);
    const synced = await call<SyncResult>(s.socket, 'sync', { cursor: start.cursor });
    const mine = synced.messages.filter((m) => m.conversationId === conv.id);
    // All 60, not the newest 50: a capped answer whose cursor passed the rest left a silent hole.
    expect(mine.map((m) => m.seq)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(synced.more).toBe(false);
    s.close();
  });
});
