/**
 * Issue 12 in Chromium: chat tied to work, files in chat. An advertiser attaches an image in
 * a conversation about a screen; the operator sees that conversation under "Waiting for you"
 * (and the count in the nav), opens it from the screen's detail, sees the image's preview and
 * answers; the conversation drops out of the waiting list and the advertiser reads the answer.
 * Real server (SQLite), two browser hosts (one per person), real Chromium.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Conversation } from '../../protocol';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { launchBrowser } from '../helpers/browser';
import { api, login, startTestServer, type TestServer } from '../helpers/server';
import { signInThroughForm } from '../helpers/console-sign-in';

const OPERATOR = { email: 'olga@ops.test', password: 'olga-operator-1', name: 'Olga Operator' };
const ADVERTISER = { email: 'ava@ads.test', password: 'ava-advertiser-1', name: 'Ava Ads' };
const SCREEN = 'harbour-3';

function png(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < width * height; i++)
    p.data.set([(i * 7) % 256, 140, (i >> 6) % 256, 255], i * 4);
  return PNG.sync.write(p);
}

describe('files in chat, about a screen (Chromium)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-chat-att-e2e-'));
  let server: TestServer;
  const hosts: ConsoleHost[] = [];
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let op: Page;
  let ad: Page;
  let conv: Conversation;

  const signIn = (page: Page, host: ConsoleHost, email: string, password: string) =>
    signInThroughForm(page, host.url, server.url, { email, password });

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    server = await startTestServer('sqlite');
    const adminToken = (await login(server)).token;
    await api(server, 'POST', '/api/screens', { id: SCREEN, name: 'Harbour 3' }, adminToken);
    await api(server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, adminToken);
    const advertiser = await api<{ user: { id: string } }>(
      server,
      'POST',
      '/api/users',
      { ...ADVERTISER, role: 'advertiser' },
      adminToken,
    );
    // The operator opened the conversation about the screen (e.g. from its detail) earlier.
    const opToken = (await login(server, OPERATOR)).token;
    const opened = await api<{ conversation: Conversation }>(
      server,
      'POST',
      '/api/conversations',
      {
        kind: 'direct',
        participantIds: [advertiser.body.user.id],
        about: { type: 'screen', id: SCREEN },
      },
      opToken,
    );
    expect(opened.status).toBe(201);
    conv = opened.body.conversation;
    for (const who of ['op', 'ad'])
      hosts.push(await startConsoleHost({ port: 0, dataDir: path.join(tmp, who), rendererDir }));
    browser = await launchBrowser();
    op = await browser.context.newPage();
    ad = await browser.context.newPage();
    await signIn(op, hosts[0]!, OPERATOR.email, OPERATOR.password);
    await signIn(ad, hosts[1]!, ADVERTISER.email, ADVERTISER.password);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    for (const h of hosts) await h.close();
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('the advertiser attaches an image; the operator answers from the screen', async () => {
    // The advertiser's thread shows what it is about, and takes an image.
    await ad.goto(`${hosts[1]!.url}/#/messages/${conv.id}`);
    await ad.getByTestId('thread').waitFor();
    expect(await ad.getByTestId('conversation-about').textContent()).toContain('Harbour 3');
    // An HTML page renamed .png is refused with a sentence, and nothing is sent.
    await ad.getByTestId('composer-file').setInputFiles({
      name: 'fake.png',
      mimeType: 'image/png',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await ad.getByTestId('composer-send').click();
    await ad.getByTestId('composer-error').waitFor();
    expect(await ad.getByTestId('composer-error').textContent()).toMatch(
      /"fake.png" cannot be attached\. Only PNG/,
    );
    await ad.getByRole('button', { name: 'Remove fake.png' }).click();
    expect(await ad.getByTestId('message-item').count()).toBe(0);
    await ad.getByTestId('composer-file').setInputFiles({
      name: 'new-creative.png',
      mimeType: 'image/png',
      buffer: png(480, 270),
    });
    await ad.getByTestId('composer-file-chip').waitFor();
    await ad.getByTestId('composer-input').fill('Here is the new creative for Harbour 3');
    await ad.getByTestId('composer-send').click();
    const sent = ad.locator('[data-testid="message-item"][data-pending="false"]').last();
    await sent.getByTestId('attachment-preview').waitFor({ timeout: 15_000 });
    expect(await sent.getByTestId('attachment-preview').getAttribute('src')).toMatch(
      /^data:image\/webp;base64,/,
    );

    // The operator: a count in the nav, the conversation under "Waiting for you".
    await op.getByTestId('nav-waiting').waitFor({ timeout: 15_000 });
    expect(await op.getByTestId('nav-waiting').textContent()).toBe('1');
    await op.goto(`${hosts[0]!.url}/#/messages`);
    await op
      .locator(`[data-testid="waiting-item"][data-conversation-id="${conv.id}"]`)
      .waitFor({ timeout: 10_000 });

    // Opened from the screen's detail.
    await op.goto(`${hosts[0]!.url}/#/screens/${SCREEN}`);
    await op.getByTestId('screen-conversation-waiting').waitFor({ timeout: 10_000 });
    await op
      .locator(`[data-testid="screen-conversation"][data-conversation-id="${conv.id}"]`)
      .click();
    await op.locator(`[data-testid="thread"][data-conversation-id="${conv.id}"]`).waitFor();
    const incoming = op.locator('[data-testid="message-item"]').last();
    await incoming.getByTestId('attachment-preview').waitFor({ timeout: 15_000 });
    expect(await incoming.getByTestId('attachment-preview').getAttribute('alt')).toBe(
      'new-creative.png',
    );
    await op.getByTestId('composer-input').fill('Thanks, it goes live at 18:00.');
    await op.getByTestId('composer-send').click();

    // Answered: out of the waiting list and the nav count; the advertiser reads it.
    await op.getByTestId('nav-waiting').waitFor({ state: 'detached', timeout: 15_000 });
    await op.goto(`${hosts[0]!.url}/#/messages`);
    await op.getByTestId('waiting-section').waitFor();
    expect(await op.getByTestId('waiting-item').count()).toBe(0);
    await ad
      .locator('[data-testid="message-item"]', { hasText: 'it goes live at 18:00' })
      .waitFor({ timeout: 15_000 });
    // The stored message carries the attachment, once.
    const rows = await server.ctx.knex('chat_attachments').where({ conversation_id: conv.id });
    expect(rows).toHaveLength(1);
    expect(rows[0].message_id).not.toBeNull();
  }, 120_000);
});
