/**
 * Chat tied to work (issue 12), on SQLite and PostgreSQL: a conversation about a screen, a
 * booking or a campaign says so (REST, `sync`); the operations team's "waiting for you" list
 * holds the conversations whose last word is an advertiser's, the longest waiting first, and
 * a staff answer takes a conversation out of it (a second advertiser message keeps the older
 * wait).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Conversation, SyncResult } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api } from '../../test/helpers/server';
import {
  call,
  clientId,
  connect,
  openConversation,
  resetRateLimits,
  startChatWorld,
  type ChatWorld,
  type TestUser,
} from './chat-fixtures';

describe.each(testDatabases())('chat: about and waiting for an answer (%s)', (dbKind) => {
  let world: ChatWorld;
  const screenId = 'about-scr-1';

  beforeAll(async () => {
    world = await startChatWorld(dbKind, {
      olga: 'operator',
      ada: 'advertiser',
      abe: 'advertiser',
    });
    const res = await api(
      world.server,
      'POST',
      '/api/screens',
      { id: screenId, name: 'Central Station North' },
      world.admin.token,
    );
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await world?.server.stop();
  });
  beforeEach(() => resetRateLimits(world));

  const post = (by: TestUser, conversationId: string, body: string) =>
    api(
      world.server,
      'POST',
      `/api/conversations/${conversationId}/messages`,
      { clientId: clientId(), body },
      by.token,
    );
  const waiting = async (by: TestUser) => {
    const res = await api<{ conversations: Conversation[] }>(
      world.server,
      'GET',
      '/api/conversations/waiting',
      undefined,
      by.token,
    );
    return res;
  };

  it('shows what a conversation is about: a screen (also as screenId), a booking, a campaign', async () => {
    const { olga, ada } = world.users;
    const byScreen = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
      about: { type: 'screen', id: screenId },
    });
    expect(byScreen.about).toEqual({ type: 'screen', id: screenId });
    expect(byScreen.screenId).toBe(screenId);
    // The older form, screenId alone, says the same.
    const again = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
      screenId,
    });
    expect(again.id).toBe(byScreen.id);
    const booking = await openConversation(world, ada!, {
      kind: 'direct',
      participantIds: [olga!.id],
      about: { type: 'booking', id: 'bk_42' },
    });
    expect(booking.about).toEqual({ type: 'booking', id: 'bk_42' });
    expect(booking.screenId).toBeNull();
    expect(booking.id).not.toBe(byScreen.id);
    const read = await api<{ conversation: Conversation }>(
      world.server,
      'GET',
      `/api/conversations/${booking.id}`,
      undefined,
      olga!.token,
    );
    expect(read.body.conversation.about).toEqual({ type: 'booking', id: 'bk_42' });
    // The advertiser's console learns it through sync too.
    const s = await connect(world.server, ada!);
    const synced = await call<SyncResult>(s.socket, 'sync', { cursor: 0 });
    s.close();
    expect(synced.conversations.find((c) => c.id === byScreen.id)?.about).toEqual({
      type: 'screen',
      id: screenId,
    });
    const both = await api(
      world.server,
      'POST',
      '/api/conversations',
      {
        kind: 'direct',
        participantIds: [ada!.id],
        screenId,
        about: { type: 'campaign', id: 'cmp_1' },
      },
      olga!.token,
    );
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body)).toMatch(/about one thing/);
    const badAbout = await api(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [ada!.id], about: { type: 'invoice', id: 'x' } },
      olga!.token,
    );
    expect(badAbout.status).toBe(400);
  });

  it('lists conversations waiting for the team, oldest first; an answer takes one out', async () => {
    const { olga, ada, abe } = world.users;
    const first = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [abe!.id],
      title: 'first',
    });
    const second = await openConversation(world, olga!, {
      kind: 'group',
      participantIds: [ada!.id],
      title: 'second',
    });
    const quiet = await openConversation(world, olga!, {
      kind: 'group',
      participantIds: [ada!.id],
      title: 'quiet',
    });
    expect((await post(olga!, quiet.id, 'We will clean screen 4 tonight.')).status).toBe(201);
    expect((await post(abe!, first.id, 'Is my creative live?')).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    expect((await post(ada!, second.id, 'Screen 3 looks dark.')).status).toBe(201);
    await new Promise((r) => setTimeout(r, 5));
    // A second advertiser message keeps the older wait (and the order).
    expect((await post(abe!, first.id, 'Hello?')).status).toBe(201);

    const ids = (await waiting(olga!)).body.conversations.map((c) => c.id);
    expect(ids.indexOf(first.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(first.id)).toBeLessThan(ids.indexOf(second.id));
    expect(ids).not.toContain(quiet.id);
    const list = (await waiting(olga!)).body.conversations;
    const since = list.map((c) => c.waitingSince!);
    expect([...since].sort((a, b) => a - b)).toEqual(since);

    expect((await post(olga!, first.id, 'Yes, since 9:00.')).status).toBe(201);
    const after = (await waiting(olga!)).body.conversations.map((c) => c.id);
    expect(after).not.toContain(first.id);
    expect(after).toContain(second.id);
    const conv = await api<{ conversation: Conversation }>(
      world.server,
      'GET',
      `/api/conversations/${first.id}`,
      undefined,
      abe!.token,
    );
    expect(conv.body.conversation.waitingSince).toBeNull();
    // Advertisers do not get the team's list.
    const refused = await waiting(ada!);
    expect(refused.status).toBe(403);
  });
});
