/**
 * Issue 11 operator workflows, server side: conversations started about a screen (advertisers
 * too, for screens they see), renamed, bounded in size; announcements and bulk commands
 * recorded in the audit log; commands carry their sender's name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, Conversation, CreateScreenResponse, Responses } from '../../protocol';
import { MAX_CONVERSATION_PARTICIPANTS } from '../../protocol';
import type { AuditRow } from '../src/audit/audit-log';
import { testDatabases } from '../../test/helpers/databases';
import { connectDevice, type FakeDevice } from '../../test/helpers/device';
import { api, emitAck, connectSocket, waitFor } from '../../test/helpers/server';
import { openConversation, startChatWorld, type ChatWorld } from './chat-fixtures';

describe.each(testDatabases())('operator workflows (%s)', (dbKind) => {
  let world: ChatWorld;
  const devices: FakeDevice[] = [];
  const audit = (action: string) =>
    world.server.ctx.knex<AuditRow>('audit_log').where({ action }).orderBy('seq');

  beforeAll(async () => {
    world = await startChatWorld(dbKind, {
      olga: 'operator',
      ada: 'advertiser',
      abe: 'advertiser',
    });
    for (const id of ['ops-a', 'ops-b', 'ops-c']) {
      const { credentials } = (
        await api<CreateScreenResponse>(
          world.server,
          'POST',
          '/api/screens',
          { id, name: `Screen ${id}`, tags: ['ops'] },
          world.admin.token,
        )
      ).body;
      const device = await connectDevice(world.server.mqttUrl, id, credentials.password);
      await device.publishState('online');
      devices.push(device);
    }
    await waitFor(() =>
      ['ops-a', 'ops-b', 'ops-c'].every(
        (id) => world.server.fleet.state.get(id)?.state === 'online',
      ),
    );
  });
  afterAll(async () => {
    for (const d of devices) await d.client.endAsync().catch(() => undefined);
    await world?.server.stop();
  });

  it('lets an advertiser start a conversation about a screen they see, and no other', async () => {
    const { olga, ada } = world.users;
    // Olga links ada to ops-a (ada now sees it).
    await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
      screenId: 'ops-a',
    });
    const about = await api<{ conversation: Conversation }>(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [world.admin.id], screenId: 'ops-a' },
      ada!.token,
    );
    expect(about.status).toBe(201);
    expect(about.body.conversation.screenId).toBe('ops-a');
    const other = await api<{ error: { message: string } }>(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [world.admin.id], screenId: 'ops-b' },
      ada!.token,
    );
    expect(other.status).toBe(403);
    expect(other.body.error.message).toMatch(/only about a screen you can see/);
    const created = await audit('conversation.created');
    expect(
      created.some((r) => r.actor_id === ada!.id && r.target_id === about.body.conversation.id),
    ).toBe(true);
  });

  it('renames a conversation (audited, live), refusing an empty title with a sentence', async () => {
    const { olga, ada } = world.users;
    const conv = await openConversation(world, olga!, {
      kind: 'group',
      title: 'Spring',
      participantIds: [ada!.id],
    });
    const adaSocket = await connectSocket(world.server, ada!.token);
    const updates: Conversation[] = [];
    adaSocket.on('conversationUpdate', (c) => updates.push(c));
    const empty = await api<{ error: { message: string } }>(
      world.server,
      'PATCH',
      `/api/conversations/${conv.id}`,
      { title: '   ' },
      olga!.token,
    );
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toMatch(/give the conversation a title/);
    const renamed = await api<{ conversation: Conversation }>(
      world.server,
      'PATCH',
      `/api/conversations/${conv.id}`,
      { title: 'Summer campaign' },
      olga!.token,
    );
    expect(renamed.status).toBe(200);
    expect(renamed.body.conversation.title).toBe('Summer campaign');
    await waitFor(() => updates.some((c) => c.id === conv.id && c.title === 'Summer campaign'));
    adaSocket.close();
    const rows = await audit('conversation.updated');
    expect(rows.some((r) => r.target_id === conv.id && r.summary.includes('Summer campaign'))).toBe(
      true,
    );
    // An advertiser does not rename a direct conversation.
    const direct = await openConversation(world, olga!, {
      kind: 'direct',
      participantIds: [ada!.id],
    });
    const refused = await api(
      world.server,
      'PATCH',
      `/api/conversations/${direct.id}`,
      { title: 'Mine' },
      ada!.token,
    );
    expect(refused.status).toBe(403);
  });

  it('refuses a conversation with too many people, saying the limit', async () => {
    const { olga } = world.users;
    const ids = Array.from({ length: MAX_CONVERSATION_PARTICIPANTS }, (_, i) => `u_x${i}`);
    const res = await api<{ error: { message: string } }>(
      world.server,
      'POST',
      '/api/conversations',
      { kind: 'group', participantIds: ids },
      olga!.token,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/at most 50 people/);
  });

  it('records an announcement in the audit log', async () => {
    const res = await api<{ notified: number }>(
      world.server,
      'POST',
      '/api/announcements',
      { title: 'Maintenance tonight', body: 'The network restarts at 02:00.' },
      world.admin.token,
    );
    expect(res.status).toBe(201);
    const rows = await audit('announcement.sent');
    expect(rows.at(-1)).toMatchObject({ actor_id: world.admin.id });
    expect(JSON.parse(rows.at(-1)!.details!)).toMatchObject({
      title: 'Maintenance tonight',
      notified: res.body.notified,
    });
  });

  it('records command.sent once per screen of a bulk command, tied by its request id; commands name their sender', async () => {
    const { olga } = world.users;
    const socket = await connectSocket(world.server, olga!.token);
    const send = (commandId: string) =>
      emitAck<{ ok: boolean; data: Responses['sendCommand'] }>(socket, 'sendCommand', {
        commandId,
        target: { screenIds: ['ops-a', 'ops-b', 'ops-c', 'nope-1'] },
        type: 'setBrightness',
        params: { brightness: 30 },
      });
    const first = await send('bulk-bright-0001');
    expect(first.ok).toBe(true);
    expect(first.data.commands).toHaveLength(3);
    expect(
      first.data.commands.every(
        (c: Command) => c.createdByName === 'Olga' && c.requestId === 'bulk-bright-0001',
      ),
    ).toBe(true);
    await send('bulk-bright-0001'); // a retry records nothing more
    socket.close();
    // One entry per screen (so searching a screen finds what was done to it), tied together by
    // the request's id; a retry records nothing more.
    const rows = (await audit('command.sent')).filter(
      (r) => (JSON.parse(r.details!) as { requestId?: string }).requestId === 'bulk-bright-0001',
    );
    expect(rows.map((r) => r.target_id).sort()).toEqual(['ops-a', 'ops-b', 'ops-c']);
    for (const row of rows) {
      expect(row).toMatchObject({ actor_id: olga!.id });
      expect(row.summary).toMatch(/^Sent setBrightness to screen .+ \(ops-[abc]\)$/);
      const details = JSON.parse(row.details!) as Record<string, unknown>;
      expect(details.refused).toEqual([{ screenId: 'nope-1', reason: 'no such screen' }]);
    }
    expect(
      rows.map((r) => (JSON.parse(r.details!) as { commandId: string }).commandId).sort(),
    ).toEqual(first.data.commands.map((c: Command) => c.id).sort());
    const history = await api<{ commands: Command[] }>(
      world.server,
      'GET',
      '/api/screens/ops-b/commands',
      undefined,
      olga!.token,
    );
    expect(history.body.commands[0]).toMatchObject({ createdBy: olga!.id, createdByName: 'Olga' });
  });
});
