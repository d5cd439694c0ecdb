import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Notification, Screen, SyncResult } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  call,
  clientId,
  connect,
  openConversation,
  request,
  startChatWorld,
  type ChatWorld,
} from './chat-fixtures';

describe.each(testDatabases())('chat: notifications and catching up (%s)', (dbKind) => {
  let world: ChatWorld;

  beforeAll(async () => {
    world = await startChatWorld(dbKind, {
      olga: 'operator',
      oscar: 'operator',
      ada: 'advertiser',
      abe: 'advertiser',
    });
  });
  afterAll(async () => {
    await world?.server.stop();
  });

  it('gives a user who was offline during an announcement and three messages all four on return, via sync', async () => {
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
    });
    let adaS = await connect(world.server, ada!);
    const before = await call<SyncResult>(adaS.socket, 'sync', { cursor: 0 });
    adaS.close();
    await waitFor(
      () => world.server.chat.presence.status(ada!.id) === 'offline',
      3000,
      'ada offline',
    );

    const announced = await api<{ notified: number }>(
      world.server,
      'POST',
      '/api/announcements',
      { title: 'Maintenance tonight', body: 'The console is read-only from 02:00 to 02:30.' },
      world.admin.token,
    );
    expect(announced.status).toBe(201);
    expect(announced.body.notified).toBe(5);
    const olgaS = await connect(world.server, olga!);
    for (const body of ['first', 'second', 'third']) {
      await call(olgaS.socket, 'sendMessage', {
        clientId: clientId(),
        conversationId: conv.id,
        body,
      });
    }

    adaS = await connect(world.server, ada!);
    const back = await call<SyncResult>(adaS.socket, 'sync', { cursor: before.cursor });
    expect(back.more).toBe(false);
    expect(back.messages.filter((m) => m.conversationId === conv.id).map((m) => m.body)).toEqual([
      'first',
      'second',
      'third',
    ]);
    const announcement = back.notifications.filter((n) => n.kind === 'announcement');
    expect(announcement).toEqual([
      expect.objectContaining({ title: 'Maintenance tonight', readAt: null, ref: null }),
    ]);
    const messageNotes = back.notifications.filter((n) => n.kind === 'message');
    expect(messageNotes.map((n) => n.body)).toEqual(['first', 'second', 'third']);
    expect(
      messageNotes.every(
        (n) =>
          n.ref?.type === 'conversation' && n.ref.id === conv.id && n.title === 'Message from Olga',
      ),
    ).toBe(true);
    const c = back.conversations.find((x) => x.id === conv.id);
    expect(c).toMatchObject({ unread: 3, lastMessage: { body: 'third', seq: 3 } });
    // Nothing from before the cursor comes again, and the next sync is empty for chat.
    const again = await call<SyncResult>(adaS.socket, 'sync', { cursor: back.cursor });
    expect(again.messages).toEqual([]);
    expect(again.notifications).toEqual([]);
    expect(again.conversations).toEqual([]);
    adaS.close();
    olgaS.close();
  });

  it('notifies participants who are not viewing the conversation, live, and not the ones who are', async () => {
    const { olga, oscar, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'Night shift',
      participantIds: [oscar!.id, ada!.id],
    });
    const viewing = await connect(world.server, oscar!);
    await call(viewing.socket, 'joinRoom', { room: `conversation:${conv.id}` });
    const elsewhere = await connect(world.server, ada!);
    const olgaS = await connect(world.server, olga!);
    const sent = await call<{ id: string }>(olgaS.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'ping',
    });
    const note = await waitFor(
      () => elsewhere.got('notification').find((n) => n.ref?.id === conv.id),
      3000,
      'notification',
    );
    expect(note).toMatchObject({
      kind: 'message',
      title: 'Olga in Night shift',
      body: 'ping',
      readAt: null,
    });
    await waitFor(
      () => viewing.got('newMessage').some((m) => m.id === sent.id),
      3000,
      'viewer gets the message',
    );
    await waitFor(
      () =>
        viewing
          .got('conversationUpdate')
          .some((c) => c.id === conv.id && c.lastMessage?.id === sent.id),
      3000,
      'inbox',
    );
    expect(viewing.got('notification')).toEqual([]);
    expect(olgaS.got('notification')).toEqual([]);
    expect(elsewhere.got('newMessage')).toEqual([]);
    const rows = await world.server.ctx
      .knex('notifications')
      .where({ ref_id: conv.id })
      .select('user_id');
    expect(rows.map((r: { user_id: string }) => r.user_id)).toEqual([ada!.id]);
    for (const s of [viewing, elsewhere, olgaS]) s.close();
  });

  it('exposes a notifier for alarms and screen status; screen links decide what an advertiser sees', async () => {
    const { olga, oscar, ada, abe } = world.users;
    const created = await api<CreateScreenResponse>(
      world.server,
      'POST',
      '/api/screens',
      { id: 'mall-7', name: 'Mall 7' },
      world.admin.token,
    );
    expect(created.status).toBe(201);
    const denied = await api(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [olga!.id], screenId: 'mall-7' },
      ada!.token,
    );
    expect(denied.status).toBe(403);
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'Mall 7 campaign',
      participantIds: [ada!.id],
      screenId: 'mall-7',
    });
    expect(conv.screenId).toBe('mall-7');
    const visible = async (token: string) =>
      (
        await api<{ screens: Screen[] }>(world.server, 'GET', '/api/screens', undefined, token)
      ).body.screens.map((s) => s.id);
    expect(await visible(ada!.token)).toEqual(['mall-7']);
    expect(await visible(abe!.token)).toEqual([]);

    const adaS = await connect(world.server, ada!);
    const oscarS = await connect(world.server, oscar!);
    const abeS = await connect(world.server, abe!);
    const notifier = world.server.chat.notifier;
    const alarm = await notifier.notifyRoles(['operator', 'admin'], {
      kind: 'alarm',
      title: 'Mall 7 lost',
      body: 'No heartbeat for 60 s',
      ref: { type: 'alarm', id: 'alarm-1' },
    });
    expect(alarm.map((d) => d.userId).sort()).toEqual([world.admin.id, olga!.id, oscar!.id].sort());
    await waitFor(
      () => oscarS.got('notification').some((n) => n.kind === 'alarm'),
      3000,
      'alarm note',
    );

    const screen = world.server.fleet.state.get('mall-7')!;
    const status = await notifier.notifyScreenStatus({ ...screen, state: 'lost' }, 'online');
    expect(status.map((d) => d.userId)).toEqual([ada!.id]);
    const n = await waitFor(
      () => adaS.got('notification').find((x) => x.kind === 'screenStatus'),
      3000,
      'status note',
    );
    expect(n).toMatchObject({ title: 'Mall 7 is lost', ref: { type: 'screen', id: 'mall-7' } });
    expect(await notifier.notifyScreenStatus({ ...screen, state: 'online' }, 'online')).toEqual([]);
    expect(adaS.got('notification').some((x) => x.kind === 'alarm')).toBe(false);
    expect(abeS.got('notification')).toEqual([]);
    // Unknown users are skipped, text is made storable.
    const odd = await notifier.notifyUsers([abe!.id, 'no-such-user'], {
      kind: 'alarm',
      title: 'x\u0000y'.repeat(100),
      body: 'b',
      ref: null,
    });
    expect(odd).toHaveLength(1);
    expect(odd[0]!.notification.title.length).toBeLessThanOrEqual(200);
    expect(odd[0]!.notification.title).not.toContain('\u0000');
    for (const s of [adaS, oscarS, abeS]) s.close();
  });

  it('marks notifications read (one, or all), tells the other tabs, and keeps announcements to admins', async () => {
    const { oscar } = world.users;
    const forbidden = await api(
      world.server,
      'POST',
      '/api/announcements',
      { title: 't', body: 'b' },
      oscar!.token,
    );
    expect(forbidden.status).toBe(403);
    const tab = await connect(world.server, oscar!);
    for (const title of ['a', 'b', 'c']) {
      await world.server.chat.notifier.notifyUsers([oscar!.id], {
        kind: 'alarm',
        title,
        body: title,
        ref: null,
      });
    }
    const list = await api<{ notifications: Notification[]; unread: number; hasMore: boolean }>(
      world.server,
      'GET',
      '/api/notifications?limit=2',
      undefined,
      oscar!.token,
    );
    expect(list.status).toBe(200);
    expect(list.body.unread).toBeGreaterThanOrEqual(3);
    expect(list.body.notifications).toHaveLength(2);
    expect(list.body.hasMore).toBe(true);
    const next = await api<{ notifications: Notification[] }>(
      world.server,
      'GET',
      `/api/notifications?limit=2&before=${list.body.notifications[1]!.id}`,
      undefined,
      oscar!.token,
    );
    const ids = [...list.body.notifications, ...next.body.notifications].map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);

    const target = list.body.notifications[0]!;
    const read = await api<{ notification: Notification }>(
      world.server,
      'POST',
      `/api/notifications/${target.id}/read`,
      undefined,
      oscar!.token,
    );
    expect(read.status).toBe(200);
    expect(read.body.notification.readAt).not.toBeNull();
    expect(read.body.notification.rev).toBeGreaterThan(target.rev);
    await waitFor(
      () => tab.got('notification').some((x) => x.id === target.id && x.readAt !== null),
      3000,
      'upsert',
    );
    const twice = await api<{ notification: Notification }>(
      world.server,
      'POST',
      `/api/notifications/${target.id}/read`,
      undefined,
      oscar!.token,
    );
    expect(twice.body.notification).toEqual(read.body.notification);
    const notMine = await api(
      world.server,
      'POST',
      `/api/notifications/${target.id}/read`,
      undefined,
      world.users.ada!.token,
    );
    expect(notMine.status).toBe(404);

    // The same over the socket (what a console's outbox sends), answered with the stored row.
    const second = list.body.notifications[1]!;
    const bySocket = await call<Notification>(tab.socket, 'markNotificationRead', {
      notificationId: second.id,
    });
    expect(bySocket).toMatchObject({ id: second.id });
    expect(bySocket.readAt).not.toBeNull();
    expect(bySocket.rev).toBeGreaterThan(second.rev);
    const again = await call<Notification>(tab.socket, 'markNotificationRead', {
      notificationId: second.id,
    });
    expect(again).toEqual(bySocket);
    const adaTab = await connect(world.server, world.users.ada!);
    const refused = await request<Notification>(adaTab.socket, 'markNotificationRead', {
      notificationId: second.id,
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const malformed = await request<Notification>(adaTab.socket, 'markNotificationRead', {
      id: second.id,
    });
    expect(malformed).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    adaTab.close();

    const all = await api<{ marked: number }>(
      world.server,
      'POST',
      '/api/notifications/read-all',
      undefined,
      oscar!.token,
    );
    expect(all.body.marked).toBe(list.body.unread - 2);
    const after = await api<{ unread: number }>(
      world.server,
      'GET',
      '/api/notifications',
      undefined,
      oscar!.token,
    );
    expect(after.body.unread).toBe(0);
    tab.close();
  });
});
