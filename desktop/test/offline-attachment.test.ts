/**
 * Files in chat (issue 12): an attachment sent while the console is offline waits in the
 * outbox with its bytes (in the console cache), survives there, and once the server is back is
 * uploaded and its message sent exactly once — also when the first attempt's answer was lost
 * (the upload and the message are both retry-safe by client id). Real server, the real
 * console core, a TCP proxy as the console's network.
 */
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminCreateUserResponse, Conversation, Message } from '../../protocol';
import { ConsoleCache } from '../src/core/cache/console-cache';
import { ConsoleCore } from '../src/core/console-core';
import { MemoryTokenStore } from '../src/core/token-store';
import type { ThreadMessage } from '../src/shared/console-api';
import { ADMIN, api, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';
import { startTcpProxy } from '../../test/helpers/tcp-proxy';

function png(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) p.data.set([240, 90, 20, 255], i * 4);
  return PNG.sync.write(p);
}

describe('console: an attachment sent offline waits in the outbox', () => {
  let server: TestServer;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;
  let core: ConsoleCore;
  let conv: Conversation;
  let token: string;
  const tokens = new MemoryTokenStore();

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    token = (await api<{ token: string }>(server, 'POST', '/api/auth/login', ADMIN)).body.token;
    const ada = await api<AdminCreateUserResponse>(
      server,
      'POST',
      '/api/users',
      { email: 'ada@test.local', name: 'Ada', role: 'advertiser', password: 'ada-password-123' },
      token,
    );
    expect(ada.status).toBe(201);
    const opened = await api<{ conversation: Conversation }>(
      server,
      'POST',
      '/api/conversations',
      { kind: 'direct', participantIds: [ada.body.user.id] },
      token,
    );
    conv = opened.body.conversation;
    proxy = await startTcpProxy({ host: '127.0.0.1', port: server.port });
    core = new ConsoleCore(new ConsoleCache(':memory:'), tokens);
    await core.invoke('signIn', { serverUrl: proxy.url, ...ADMIN });
    await waitFor(() => core.connection.status === 'live', 10_000, 'live');
  });
  afterAll(async () => {
    core?.close();
    await proxy?.close();
    await server?.stop();
  });

  it('is uploaded and sent once when the server comes back', async () => {
    proxy.unplug();
    await waitFor(() => core.connection.status !== 'live', 5000, 'offline');
    const image = png(400, 300);
    const pending = (await core.invoke('sendMessage', {
      conversationId: conv.id,
      body: 'Photo of the site',
      attachments: [{ fileName: 'site.png', dataBase64: image.toString('base64') }],
    })) as ThreadMessage;
    expect(pending.pending).toBe(true);
    expect(pending.attachments?.[0]).toMatchObject({ fileName: 'site.png', mime: 'image/png' });
    expect(core.cache.outboxSize()).toBe(1);
    const [entry] = core.cache.outbox();
    expect(core.cache.outboxFiles.list(entry!.seq)[0]!.data.equals(image)).toBe(true);
    // Refused before queuing, offline too: a file that cannot be attached.
    await expect(
      core.invoke('sendMessage', {
        conversationId: conv.id,
        body: 'page',
        attachments: [{ fileName: 'x.png', dataBase64: Buffer.from('<html>').toString('base64') }],
      }),
    ).rejects.toThrow(/cannot be attached/);
    await new Promise((r) => setTimeout(r, 300));
    expect(await server.ctx.knex('chat_attachments')).toEqual([]);

    proxy.plug();
    await waitFor(() => core.cache.outboxSize() === 0, 15_000, 'the outbox sent');
    const rows = await server.ctx.knex('chat_attachments');
    expect(rows).toHaveLength(1);
    const stored = (await server.ctx.knex('messages').where({ conversation_id: conv.id })) as {
      attachments: string | null;
    }[];
    expect(stored).toHaveLength(1);
    expect(JSON.parse(stored[0]!.attachments!)[0]).toMatchObject({
      fileName: 'site.png',
      width: 400,
      height: 300,
    });
    // The cache holds the sent message with its attachment; the queued bytes are gone.
    const thread = (await core.invoke('loadMessages', { conversationId: conv.id })) as {
      messages: ThreadMessage[];
    };
    const sent = thread.messages.find((m) => m.body === 'Photo of the site')!;
    expect(sent.pending).toBe(false);
    expect(sent.attachments?.[0]?.id).toBe(rows[0].id);
    expect(core.cache.db.prepare('SELECT COUNT(*) AS n FROM outbox_files').get()).toEqual({ n: 0 });
    // The preview reads back from the server.
    const preview = (await core.invoke('getAttachment', {
      attachmentId: rows[0].id,
      thumb: true,
    })) as { dataUrl: string };
    expect(preview.dataUrl).toMatch(/^data:image\/webp;base64,/);
  });

  it('a retry after a lost answer stores nothing twice', async () => {
    // Queue offline, then replay the same upload and message by hand before the console does:
    // the console's own attempt then finds both stored.
    proxy.unplug();
    await waitFor(() => core.connection.status !== 'live', 5000, 'offline');
    const image = png(20, 20);
    await core.invoke('sendMessage', {
      conversationId: conv.id,
      body: 'Second photo',
      attachments: [{ fileName: 'second.png', dataBase64: image.toString('base64') }],
    });
    const [entry] = core.cache.outbox();
    const file = core.cache.outboxFiles.list(entry!.seq)[0]!;
    const up = await fetch(`${server.url}/api/conversations/${conv.id}/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.get()}`,
        'x-filename': 'second.png',
        'x-client-id': file.clientId,
      },
      body: new Uint8Array(image),
    });
    expect(up.status).toBe(201);
    proxy.plug();
    await waitFor(() => core.cache.outboxSize() === 0, 15_000, 'the outbox sent');
    expect(
      await server.ctx.knex('chat_attachments').where({ file_name: 'second.png' }),
    ).toHaveLength(1);
    const msgs = (await server.ctx
      .knex('messages')
      .where({ conversation_id: conv.id, body: 'Second photo' })) as Message[];
    expect(msgs).toHaveLength(1);
  });
});
