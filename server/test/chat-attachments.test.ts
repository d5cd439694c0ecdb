/**
 * Files in chat (issue 12) against a real server, on SQLite and PostgreSQL: the size cap
 * holds before authentication (Content-Length, answered at once) and on the bytes of a
 * chunked body; the type is read from the bytes (a disallowed file, and a page renamed .png,
 * are refused with a sentence); an upload is retry-safe by its client id; a message carries
 * its attachments; participants download (images inline, other files as downloads, never
 * sniffed), anyone outside the conversation gets 404; retention removes row and file and
 * leaves the message saying so.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AttachmentUploadResponse, Conversation, Message, SyncResult } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { api, waitFor } from '../../test/helpers/server';
import {
  call,
  clientId,
  connect,
  history,
  openConversation,
  resetRateLimits,
  startChatWorld,
  type ChatWorld,
  type TestUser,
} from './chat-fixtures';

const MAX_BYTES = 64 * 1024;

function png(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) p.data.set([10, 120, 200, 255], i * 4);
  return PNG.sync.write(p);
}

describe.each(testDatabases())('chat: attachments (%s)', (dbKind) => {
  let world: ChatWorld;
  let conv: Conversation;

  beforeAll(async () => {
    world = await startChatWorld(dbKind, {
      olga: 'operator',
      oscar: 'operator',
      ada: 'advertiser',
      abe: 'advertiser',
    });
    world.server.ctx.config.attachmentMaxBytes = MAX_BYTES;
    conv = await openConversation(world, world.users.olga!, {
      kind: 'direct',
      participantIds: [world.users.ada!.id],
    });
  });
  afterAll(async () => {
    await world?.server.stop();
  });
  beforeEach(() => resetRateLimits(world));

  const upload = (
    by: TestUser | null,
    body: Buffer | string,
    fileName: string,
    id = clientId(),
    conversationId = conv.id,
  ) =>
    fetch(`${world.server.url}/api/conversations/${conversationId}/attachments`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        'x-filename': encodeURIComponent(fileName),
        'x-client-id': id,
        ...(by ? { authorization: `Bearer ${by.token}` } : {}),
      },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });
  const download = (by: TestUser, id: string, thumb = false) =>
    fetch(`${world.server.url}/api/attachments/${id}${thumb ? '?thumb=1' : ''}`, {
      headers: { authorization: `Bearer ${by.token}` },
    });
  const errorOf = async (res: Response) =>
    ((await res.json()) as { error: { message: string } }).error.message;

  /** Only the headers go out: the answer must come without the body being read. */
  function declareOnly(headers: Record<string, string>) {
    return new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
      const req = http.request(`${world.server.url}/api/conversations/${conv.id}/attachments`, {
        method: 'POST',
        headers: { 'x-filename': 'big.png', 'x-client-id': clientId(), ...headers },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body, connection: res.headers.connection }),
        );
      });
      req.on('error', reject);
      req.flushHeaders();
    });
  }

  it('refuses a too-big Content-Length at once, without and with a session', async () => {
    const anon = await declareOnly({ 'content-length': String(MAX_BYTES + 1) });
    expect(anon.status).toBe(413);
    expect(anon.connection).toBe('close');
    expect(JSON.parse(anon.body).error.message).toBe('An attachment may be at most 64 KB.');
    const authed = await declareOnly({
      'content-length': String(50 * 1024 * 1024),
      authorization: `Bearer ${world.users.ada!.token}`,
    });
    expect(authed.status).toBe(413);
  });

  it('cuts a chunked body off at the cap', async () => {
    const big = Buffer.concat([png(8, 8), Buffer.alloc(MAX_BYTES)]);
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${world.server.url}/api/conversations/${conv.id}/attachments`, {
        method: 'POST',
        headers: {
          'transfer-encoding': 'chunked',
          'x-filename': 'big.png',
          'x-client-id': clientId(),
          authorization: `Bearer ${world.users.ada!.token}`,
        },
      });
      req.on('response', (r) => resolve(r.statusCode!));
      req.on('error', reject);
      for (let i = 0; i < big.length; i += 8192) req.write(big.subarray(i, i + 8192));
      req.end();
    });
    expect(status).toBe(413);
    const rows = await world.server.ctx.knex('chat_attachments').where({ file_name: 'big.png' });
    expect(rows).toEqual([]);
  });

  it('reads the type from the bytes: a disallowed file and a page renamed .png are refused', async () => {
    const { ada } = world.users;
    const exe = await upload(ada!, Buffer.from('MZ\x90\x00 this is a program'), 'setup.exe');
    expect(exe.status).toBe(415);
    expect(await errorOf(exe)).toMatch(/"setup.exe" is not a file that can be attached\. Only PNG/);
    const page = await upload(ada!, '<html><script>alert(1)</script></html>', 'creative.png');
    expect(page.status).toBe(415);
    const svg = await upload(ada!, '<svg xmlns="http://www.w3.org/2000/svg"/>', 'logo.svg');
    expect(svg.status).toBe(415);
    const noSession = await upload(null, png(4, 4), 'a.png');
    expect(noSession.status).toBe(401);
    const stranger = await upload(world.users.abe!, png(4, 4), 'a.png');
    expect(stranger.status).toBe(403);
    const count = await world.server.ctx
      .knex('chat_attachments')
      .count<{ n: string }[]>({ n: '*' });
    expect(Number(count[0]!.n)).toBe(0);
  });

  it('stores an upload once, sends it with a message, and lets only readers download it', async () => {
    const { ada, olga, oscar, abe } = world.users;
    const image = png(640, 320);
    const cid = clientId();
    const first = await upload(ada!, image, 'Spring creative.png', cid);
    expect(first.status).toBe(201);
    const { attachment } = (await first.json()) as AttachmentUploadResponse;
    expect(attachment).toMatchObject({
      fileName: 'Spring creative.png',
      mime: 'image/png',
      bytes: image.length,
      width: 640,
      height: 320,
      removed: false,
    });
    const retry = await upload(ada!, image, 'Spring creative.png', cid);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as AttachmentUploadResponse).attachment.id).toBe(attachment.id);

    // Not sent yet: only the uploader sees it.
    expect((await download(ada!, attachment.id)).status).toBe(200);
    expect((await download(olga!, attachment.id)).status).toBe(404);

    const pdf = await upload(ada!, '%PDF-1.4\n% a brief\n', 'brief.pdf');
    const pdfRef = ((await pdf.json()) as AttachmentUploadResponse).attachment;
    const s = await connect(world.server, ada!);
    const msgClientId = clientId();
    const message = await call<Message>(s.socket, 'sendMessage', {
      clientId: msgClientId,
      conversationId: conv.id,
      body: 'The creative and the brief',
      attachmentIds: [attachment.id, pdfRef.id],
    });
    expect(message.attachments?.map((a) => a.id)).toEqual([attachment.id, pdfRef.id]);
    // A retried send is the same message; the attachments cannot go with another one.
    const again = await call<Message>(s.socket, 'sendMessage', {
      clientId: msgClientId,
      conversationId: conv.id,
      body: 'The creative and the brief',
      attachmentIds: [attachment.id, pdfRef.id],
    });
    expect(again.id).toBe(message.id);
    const reuse = await api(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/messages`,
      { clientId: clientId(), body: 'again', attachmentIds: [attachment.id] },
      ada!.token,
    );
    expect(reuse.status).toBe(400);
    s.close();
    const thread = await history(world, olga!, conv.id);
    expect(thread.at(-1)!.attachments?.[0]).toMatchObject({ id: attachment.id, removed: false });

    const got = await download(olga!, attachment.id);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('image/png');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-disposition')).toMatch(
      /^inline; filename="Spring creative.png"/,
    );
    expect(Buffer.from(await got.arrayBuffer()).equals(image)).toBe(true);
    const thumb = await download(olga!, attachment.id, true);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const brief = await download(olga!, pdfRef.id);
    expect(brief.headers.get('content-disposition')).toMatch(/^attachment; filename="brief.pdf"/);
    expect(brief.headers.get('content-security-policy')).toMatch(/sandbox/);

    // Outside the conversation: another advertiser gets 404 with a sentence. Operators read
    // every conversation (access.ts), so one who is not in it may download too.
    const refused = await download(abe!, attachment.id);
    expect(refused.status).toBe(404);
    expect(await errorOf(refused)).toMatch(/in a conversation you can read/);
    expect((await download(oscar!, attachment.id)).status).toBe(200);
  });

  it('prunes by retention: row and file go, the message says the attachment was removed', async () => {
    const { ada, olga } = world.users;
    const res = await upload(ada!, 'plain notes\n', 'notes.txt');
    expect(res.status).toBe(201);
    const { attachment } = (await res.json()) as AttachmentUploadResponse;
    const sent = await api<{ message: Message }>(
      world.server,
      'POST',
      `/api/conversations/${conv.id}/messages`,
      { clientId: clientId(), body: 'notes', attachmentIds: [attachment.id] },
      ada!.token,
    );
    expect(sent.status).toBe(201);
    const dir = path.join(world.server.dataDir, 'attachments', conv.id);
    expect(fs.existsSync(path.join(dir, attachment.id))).toBe(true);
    const s = await connect(world.server, olga!);
    const before = await call<SyncResult>(s.socket, 'sync', { cursor: 0 });
    await call(s.socket, 'joinRoom', { room: `conversation:${conv.id}` });

    world.server.ctx.config.attachmentRetentionDays = 30;
    expect(await world.server.chat.attachments.prune(Date.now() + 29 * 86_400_000)).toBe(0);
    const pruned = await world.server.chat.attachments.prune(Date.now() + 31 * 86_400_000);
    expect(pruned).toBeGreaterThanOrEqual(3);
    expect(fs.existsSync(path.join(dir, attachment.id))).toBe(false);
    expect(await world.server.ctx.knex('chat_attachments').where({ id: attachment.id })).toEqual(
      [],
    );
    expect((await download(olga!, attachment.id)).status).toBe(404);
    const thread = await history(world, olga!, conv.id);
    const msg = thread.find((m) => m.id === sent.body.message.id)!;
    expect(msg.attachments).toEqual([{ ...attachment, removed: true }].map(strip));
    // Someone looking at the thread sees it at once.
    await waitFor(
      () => s.got('newMessage').find((m) => m.id === msg.id && m.attachments?.[0]?.removed),
      3000,
      'the removal, live',
    );
    // Consoles learn it through sync (the message got a new rev).
    const after = await call<SyncResult>(s.socket, 'sync', { cursor: before.cursor });
    s.close();
    expect(after.messages.find((m) => m.id === msg.id)?.attachments?.[0]?.removed).toBe(true);
  });
});

const strip = (a: AttachmentUploadResponse['attachment']) => {
  const { conversationId: _c, clientId: _id, ...ref } = a;
  return ref;
};
