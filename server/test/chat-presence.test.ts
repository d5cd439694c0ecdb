import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation, SyncResult } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { waitFor } from '../../test/helpers/server';
import {
  call,
  clientId,
  connect,
  openConversation,
  request,
  startChatWorld,
  type ChatWorld,
  type Recorder,
} from './chat-fixtures';

describe.each(testDatabases())('chat: typing and presence (%s)', (dbKind) => {
  let world: ChatWorld;
  let conv: Conversation;

  beforeAll(async () => {
    world = await startChatWorld(dbKind, {
      olga: 'operator',
      oscar: 'operator',
      ada: 'advertiser',
      abe: 'advertiser',
    });
    const { olga, ada } = world.users;
    conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'typing',
      participantIds: [ada!.id],
    });
  });
  afterAll(async () => {
    await world?.server.stop();
  });

  const typingOf = (r: Recorder, userId: string) =>
    r.got('typing').filter((t) => t.userId === userId && t.conversationId === conv.id);

  it('relays typing to the other viewers only, throttled, and clears it when the typist sends', async () => {
    const { olga, ada } = world.users;
    const room = { room: `conversation:${conv.id}` };
    const adaS = await connect(world.server, ada!);
    const olgaTab1 = await connect(world.server, olga!);
    const olgaTab2 = await connect(world.server, olga!);
    for (const s of [adaS, olgaTab1, olgaTab2]) await call(s.socket, 'joinRoom', room);

    for (let i = 0; i < 10; i++)
      await call(olgaTab1.socket, 'typing', { conversationId: conv.id, isTyping: true });
    await waitFor(() => typingOf(adaS, olga!.id).length >= 1, 3000, 'typing relayed');
    expect(typingOf(adaS, olga!.id)[0]).toEqual({
      conversationId: conv.id,
      userId: olga!.id,
      name: 'Olga',
      isTyping: true,
    });
    await call(olgaTab1.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'done typing',
    });
    await waitFor(() => typingOf(adaS, olga!.id).some((t) => !t.isTyping), 3000, 'cleared by send');
    // Ten keystrokes, one relay; the typist's own tabs hear nothing.
    expect(typingOf(adaS, olga!.id).map((t) => t.isTyping)).toEqual([true, false]);
    expect(olgaTab2.got('typing')).toEqual([]);
    expect(olgaTab1.got('typing')).toEqual([]);
    expect(world.server.chat.typing.isTyping(olga!.id, conv.id)).toBe(false);

    // Explicit stop.
    await call(adaS.socket, 'typing', { conversationId: conv.id, isTyping: true });
    await call(adaS.socket, 'typing', { conversationId: conv.id, isTyping: false });
    await waitFor(() => typingOf(olgaTab2, ada!.id).length === 2, 3000, 'start+stop');
    expect(typingOf(olgaTab2, ada!.id).map((t) => t.isTyping)).toEqual([true, false]);
    for (const s of [adaS, olgaTab1, olgaTab2]) s.close();
  });

  it('clears a typing indicator by itself when it is not refreshed, and when the typist disconnects', async () => {
    const { olga, ada } = world.users;
    const typing = world.server.chat.typing;
    expect(typing.clearAfterMs).toBe(5000);
    typing.clearAfterMs = 300;
    try {
      const adaS = await connect(world.server, ada!);
      await call(adaS.socket, 'joinRoom', { room: `conversation:${conv.id}` });
      const olgaS = await connect(world.server, olga!);
      const started = Date.now();
      await call(olgaS.socket, 'typing', { conversationId: conv.id, isTyping: true });
      await waitFor(() => typingOf(adaS, olga!.id).some((t) => !t.isTyping), 5000, 'auto clear');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(typingOf(adaS, olga!.id).map((t) => t.isTyping)).toEqual([true, false]);

      // With the timer back at 5 s, only the disconnect can clear it within the wait below.
      typing.clearAfterMs = 5000;
      adaS.clear();
      await call(olgaS.socket, 'typing', { conversationId: conv.id, isTyping: true });
      await waitFor(() => typingOf(adaS, olga!.id).length === 1, 3000, 'typing again');
      olgaS.close();
      await waitFor(
        () => typingOf(adaS, olga!.id).some((t) => !t.isTyping),
        3000,
        'cleared on disconnect',
      );
      adaS.close();
    } finally {
      typing.clearAfterMs = 5000;
    }
  });

  it('tracks presence across two tabs of one user: away only when all are, offline when the last closes', async () => {
    const { olga, oscar } = world.users;
    await waitFor(() => world.server.chat.presence.onlineCount === 0, 3000, 'earlier sockets gone');
    const observer = await connect(world.server, oscar!);
    // Both events in arrival order.
    const sequence: string[] = [];
    observer.socket.on('userOnline', (e) => {
      if (e.userId === olga!.id) sequence.push(e.status);
    });
    observer.socket.on('userOffline', (e) => {
      if (e.userId === olga!.id) sequence.push('offline');
    });
    const onlineOf = () => observer.got('userOnline').filter((e) => e.userId === olga!.id);

    const tab1 = await connect(world.server, olga!);
    await waitFor(() => onlineOf().length === 1, 3000, 'online');
    expect(onlineOf()[0]).toMatchObject({ status: 'online', onlineCount: 2 });
    const tab2 = await connect(world.server, olga!);
    expect(await call(tab1.socket, 'setPresence', { status: 'away' })).toEqual({
      status: 'online',
    });
    expect(await call(tab2.socket, 'setPresence', { status: 'away' })).toEqual({ status: 'away' });
    await waitFor(() => onlineOf().length === 2, 3000, 'away');
    expect(onlineOf()[1]).toMatchObject({ status: 'away', onlineCount: 2 });
    expect(world.server.chat.presence.status(olga!.id)).toBe('away');

    const sync = await call<SyncResult>(observer.socket, 'sync', { cursor: 0 });
    expect(sync.presence).toContainEqual({ userId: olga!.id, status: 'away' });
    expect(sync.onlineCount).toBe(2);

    expect(await call(tab2.socket, 'setPresence', { status: 'online' })).toEqual({
      status: 'online',
    });
    await waitFor(() => onlineOf().length === 3, 3000, 'back online');
    tab2.close();
    // tab1 is away: closing the online tab makes the user away, not offline.
    await waitFor(() => onlineOf().length === 4, 3000, 'away after tab2 closes');
    expect(onlineOf()[3]).toMatchObject({ status: 'away' });
    tab1.close();
    await waitFor(
      () => observer.got('userOffline').some((e) => e.userId === olga!.id),
      3000,
      'offline',
    );
    expect(observer.got('userOffline').find((e) => e.userId === olga!.id)).toEqual({
      userId: olga!.id,
      onlineCount: 1,
    });
    expect(sequence).toEqual(['online', 'away', 'online', 'away', 'offline']);
    const after = await call<SyncResult>(observer.socket, 'sync', { cursor: 0 });
    expect(after.presence.map((p) => p.userId)).not.toContain(olga!.id);
    observer.close();
  });

  it("shows staff presence to everybody and an advertiser's only to staff", async () => {
    const { oscar, ada, abe } = world.users;
    await waitFor(() => world.server.chat.presence.onlineCount === 0, 3000, 'earlier sockets gone');
    const staff = await connect(world.server, oscar!);
    const otherAdvertiser = await connect(world.server, abe!);
    const adaS = await connect(world.server, ada!);
    await waitFor(
      () => staff.got('userOnline').some((e) => e.userId === ada!.id),
      3000,
      'staff sees ada',
    );
    const sync = await call<SyncResult>(otherAdvertiser.socket, 'sync', { cursor: 0 });
    expect(sync.presence.map((p) => p.userId).sort()).toEqual([abe!.id, oscar!.id].sort());
    expect(sync.onlineCount).toBe(3);
    const marker = await request(adaS.socket, 'setPresence', { status: 'away' });
    expect(marker).toEqual({ ok: true, data: { status: 'away' } });
    await waitFor(
      () => staff.got('userOnline').some((e) => e.userId === ada!.id && e.status === 'away'),
      3000,
      'away',
    );
    expect(otherAdvertiser.got('userOnline').filter((e) => e.userId === ada!.id)).toEqual([]);
    adaS.close();
    await waitFor(
      () => staff.got('userOffline').some((e) => e.userId === ada!.id),
      3000,
      'offline',
    );
    expect(otherAdvertiser.got('userOffline').filter((e) => e.userId === ada!.id)).toEqual([]);
    staff.close();
    otherAdvertiser.close();
  });
});
