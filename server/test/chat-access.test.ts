import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, Message, SyncResult, User } from '../../protocol';
import { MAX_MESSAGE_LENGTH } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  call,
  clientId,
  connect,
  openConversation,
  request,
  resetRateLimits,
  startChatWorld,
  type ChatWorld,
} from './chat-fixtures';

describe.each(testDatabases())('chat: access, conversations, content (%s)', (dbKind) => {
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
      title: 'Spring campaign',
      participantIds: [ada!.id],
    });
  });
  afterAll(async () => {
    await world?.server.stop();
  });
  beforeEach(() => resetRateLimits(world));

  it('keeps a non-participant advertiser out: no join, no read, no post, no marks, no typing', async () => {
    const { abe } = world.users;
    const s = await connect(world.server, abe!);
    const room = `conversation:${conv.id}`;
    expect(await request(s.socket, 'joinRoom', { room })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await request(s.socket, 'joinRoom', { room: 'conversation:does-not-exist' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    const send = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'hi',
    });
    expect(send).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await request(s.socket, 'markRead', { conversationId: conv.id, seq: 1 })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await request(s.socket, 'typing', { conversationId: conv.id, isTyping: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });

    const t = abe!.token;
    expect(
      (await api(world.server, 'GET', `/api/conversations/${conv.id}`, undefined, t)).status,
    ).toBe(403);
    expect(
      (await api(world.server, 'GET', `/api/conversations/${conv.id}/messages`, undefined, t))
        .status,
    ).toBe(403);
    const post = await api(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/messages`,
      { clientId: clientId(), body: 'x' },
      t,
    );
    expect(post.status).toBe(403);
    expect(
      (await api(world.server, 'GET', '/api/conversations/nope/messages', undefined, t)).status,
    ).toBe(404);
    const list = await api<{ conversations: Conversation[] }>(
      world.server,
      'GET',
      '/api/conversations?scope=all',
      undefined,
      t,
    );
    expect(list.body.conversations.map((c) => c.id)).not.toContain(conv.id);
    const sync = await call<SyncResult>(s.socket, 'sync', { cursor: 0 });
    expect(sync.conversations.map((c) => c.id)).not.toContain(conv.id);
    expect(sync.messages.filter((m) => m.conversationId === conv.id)).toEqual([]);
    s.close();
    expect(
      await world.server.ctx.knex('messages').where({ conversation_id: conv.id }).count({ n: '*' }),
    ).toEqual([{ n: dbKind === 'postgres' ? '0' : 0 }]);
  });

  it('lets a non-participant operator read (join, history) but not write', async () => {
    const { oscar } = world.users;
    const s = await connect(world.server, oscar!);
    expect(await request(s.socket, 'joinRoom', { room: `conversation:${conv.id}` })).toMatchObject({
      ok: true,
    });
    expect(
      (
        await api(
          world.server,
          'GET',
          `/api/conversations/${conv.id}/messages`,
          undefined,
          oscar!.token,
        )
      ).status,
    ).toBe(200);
    const send = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'hi',
    });
    expect(send).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(send.ok === false && send.error.message).toMatch(/not a participant/);
    s.close();
  });

  it('stores <img src=x onerror=alert(1)> verbatim and hands it back as text everywhere', async () => {
    const { olga, ada } = world.users;
    const body = '<img src=x onerror=alert(1)> & <script>alert("x")</script> \u00e9\u{1F600}';
    const reader = await connect(world.server, ada!);
    await call(reader.socket, 'joinRoom', { room: `conversation:${conv.id}` });
    const writer = await connect(world.server, olga!);
    const sent = await call<Message>(writer.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body,
    });
    expect(sent.body).toBe(body);
    const live = await waitFor(
      () => reader.got('newMessage').find((m) => m.id === sent.id),
      3000,
      'newMessage',
    );
    expect(live.body).toBe(body);
    const row = await world.server.ctx.knex('messages').where({ id: sent.id }).first('body');
    expect(row.body).toBe(body);
    const res = await fetch(`${world.server.url}/api/conversations/${conv.id}/messages`, {
      headers: { authorization: `Bearer ${ada!.token}` },
    });
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const page = (await res.json()) as { messages: Message[] };
    expect(page.messages.find((m) => m.id === sent.id)?.body).toBe(body);
    const sync = await call<SyncResult>(reader.socket, 'sync', { cursor: 0 });
    expect(sync.messages.find((m) => m.id === sent.id)?.body).toBe(body);
    reader.close();
    writer.close();
  });

  it('refuses oversize, empty and unstorable bodies with clear errors', async () => {
    const { olga } = world.users;
    const s = await connect(world.server, olga!);
    const long = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'x'.repeat(MAX_MESSAGE_LENGTH + 1),
    });
    expect(long).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(long.ok === false && long.error.message).toMatch(/longer than 4000/);
    const exact = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'y'.repeat(MAX_MESSAGE_LENGTH),
    });
    expect(exact.ok).toBe(true);
    const blank = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: '   ',
    });
    expect(blank).toMatchObject({
      ok: false,
      error: { code: 'bad_request', message: 'body: empty message' },
    });
    const nul = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'a\u0000b',
    });
    expect(nul).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const lone = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'a\ud800b',
    });
    expect(lone).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const rest = await api<{ error: { message: string } }>(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/messages`,
      { clientId: clientId(), body: 'z'.repeat(MAX_MESSAGE_LENGTH + 1) },
      olga!.token,
    );
    expect(rest.status).toBe(400);
    expect(rest.body.error.message).toMatch(/longer than 4000/);
    s.close();
  });

  it('rate-limits a user to 20 messages per 10 s, with the wait in the error', async () => {
    const { olga } = world.users;
    const s = await connect(world.server, olga!);
    for (let i = 0; i < 20; i++) {
      await call(s.socket, 'sendMessage', {
        clientId: clientId(),
        conversationId: conv.id,
        body: `burst ${i}`,
      });
    }
    const over = await request(s.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: conv.id,
      body: 'one more',
    });
    expect(over).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(over.ok === false && over.error.message).toMatch(
      /at most 20 messages in 10 s; try again in \d+ s/,
    );
    const rest = await api(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/messages`,
      { clientId: clientId(), body: 'r' },
      olga!.token,
    );
    expect(rest.status).toBe(429);
    s.close();
  });

  it('lets an advertiser open a direct conversation with an operator, once, and nothing else', async () => {
    const { ada, abe, oscar } = world.users;
    const first = await api<{ conversation: Conversation }>(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [oscar!.id] },
      ada!.token,
    );
    expect(first.status).toBe(201);
    expect(first.body.conversation.participants.map((p) => p.userId).sort()).toEqual(
      [ada!.id, oscar!.id].sort(),
    );
    const again = await api<{ conversation: Conversation }>(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [ada!.id] },
      oscar!.token,
    );
    expect(again.status).toBe(200);
    expect(again.body.conversation.id).toBe(first.body.conversation.id);
    const toAdvertiser = await api(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [abe!.id] },
      ada!.token,
    );
    expect(toAdvertiser.status).toBe(403);
    const group = await api(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'group', participantIds: [oscar!.id] },
      ada!.token,
    );
    expect(group.status).toBe(403);
    const unknown = await api(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'group', participantIds: ['nobody'] },
      oscar!.token,
    );
    expect(unknown.status).toBe(400);
    const users = await api<{ users: (User & { status: string })[] }>(
      world.server,
      'GET',
      '/api/users',
      undefined,
      ada!.token,
    );
    expect(users.body.users.every((u) => u.role !== 'advertiser')).toBe(true);
    expect(users.body.users.map((u) => u.id)).toContain(oscar!.id);
    const staffView = await api<{ users: User[] }>(
      world.server,
      'GET',
      '/api/users',
      undefined,
      oscar!.token,
    );
    expect(staffView.body.users.map((u) => u.id)).toContain(abe!.id);
  });

  it('lets staff manage participants; a removed advertiser loses access and learns of it', async () => {
    const { olga, oscar, ada, abe } = world.users;
    const group = await openConversation(world, olga!, {
      kind: 'group',
      title: 'Ops + Abe',
      participantIds: [abe!.id],
    });
    const abeSocket = await connect(world.server, abe!);
    const before = await call<SyncResult>(abeSocket.socket, 'sync', { cursor: 0 });
    await call(abeSocket.socket, 'joinRoom', { room: `conversation:${group.id}` });

    const byAdvertiser = await api(
      world.server,
      'POST',
      `/api/conversations/${group.id}/participants`,
      { userId: ada!.id },
      abe!.token,
    );
    expect(byAdvertiser.status).toBe(403);
    const added = await api<{ conversation: Conversation }>(
      world.server,
      'POST',
      `/api/conversations/${group.id}/participants`,
      { userId: oscar!.id },
      olga!.token,
    );
    expect(added.status).toBe(200);
    expect(added.body.conversation.participants.map((p) => p.userId)).toContain(oscar!.id);
    await waitFor(
      () => abeSocket.got('conversationUpdate').some((c) => c.participants.length === 3),
      3000,
      'update',
    );

    const removed = await api(
      world.server,
      'DELETE',
      `/api/conversations/${group.id}/participants/${abe!.id}`,
      undefined,
      olga!.token,
    );
    expect(removed.status).toBe(200);
    const last = await waitFor(
      () =>
        abeSocket
          .got('conversationUpdate')
          .find((c) => !c.participants.some((p) => p.userId === abe!.id)),
      3000,
      'removal update',
    );
    expect(last.lastMessage).toBeNull();
    // Out of the conversation: no posting, no reading.
    const post = await request(abeSocket.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: group.id,
      body: 'x',
    });
    expect(post).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(
      (
        await api(
          world.server,
          'GET',
          `/api/conversations/${group.id}/messages`,
          undefined,
          abe!.token,
        )
      ).status,
    ).toBe(403);
    const oscarSocket = await connect(world.server, oscar!);
    await call(oscarSocket.socket, 'sendMessage', {
      clientId: clientId(),
      conversationId: group.id,
      body: 'after abe left',
    });
    // The removal reaches Abe's sync from his old cursor, without the later message.
    const after = await call<SyncResult>(abeSocket.socket, 'sync', { cursor: before.cursor });
    const seen = after.conversations.find((c) => c.id === group.id);
    expect(seen?.participants.map((p) => p.userId)).not.toContain(abe!.id);
    expect(seen?.lastMessage).toBeNull();
    expect(after.messages.filter((m) => m.conversationId === group.id)).toEqual([]);
    expect(abeSocket.got('newMessage').filter((m) => m.conversationId === group.id)).toEqual([]);
    abeSocket.close();
    oscarSocket.close();
  });
});
