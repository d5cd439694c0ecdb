/**
 * A queued message the server refuses for good is not silently dropped: the core says why
 * (`messageFailed`, a sentence) and the renderer's store keeps it on the thread for the
 * composer (`composer-error`) — also through the empty update that follows the refusal.
 * A real server and a real core; the core's events go through the renderer's reducer.
 */
import { describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../desktop/src/core/console-core';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { MemoryTokenStore } from '../../desktop/src/core/token-store';
import {
  initialState,
  reduce,
  type ConsoleState,
} from '../../desktop/src/renderer/src/state/store';
import { api, login, startTestServer } from '../helpers/server';

describe('a refused queued message', () => {
  it('leaves its thread with the reason as a sentence', async () => {
    const server = await startTestServer();
    try {
      const { token } = await login(server);
      const mk = (email: string) =>
        api<{ user: { id: string } }>(
          server,
          'POST',
          '/api/users',
          { email, password: 'advertiser-pw-1', name: email, role: 'advertiser' },
          token,
        );
      await mk('in@adverts.test');
      const other = await mk('other@adverts.test');
      const conv = await api<{ conversation: { id: string } }>(
        server,
        'POST',
        '/api/conversations',
        { kind: 'direct', participantIds: [other.body.user.id], title: 'Not yours' },
        token,
      );
      const conversationId = conv.body.conversation.id;

      const core = new ConsoleCore(new ConsoleCache(':memory:'), new MemoryTokenStore());
      let state: ConsoleState = initialState;
      core.subscribe((e) => (state = reduce(state, e)));
      await core.invoke('signIn', {
        serverUrl: server.url,
        email: 'in@adverts.test',
        password: 'advertiser-pw-1',
      });
      await expect.poll(() => core.connection.status, { timeout: 10_000 }).toBe('live');
      await core.invoke('sendMessage', { conversationId, body: 'let me in' });
      await expect.poll(() => core.cache.outboxSize(), { timeout: 10_000 }).toBe(0);
      const thread = state.threads.get(conversationId);
      expect(thread?.failure).toBe('Not sent: You cannot write in this conversation.');
      expect(thread?.messages.filter((m) => m.pending)).toEqual([]);
      core.close();
    } finally {
      await server.stop();
    }
  });
});
