/**
 * Errors at the console API boundary read as sentences for a person; the technical text goes
 * out as an `apiError` event (Diagnostics). A real core over a real SQLite cache, signed in
 * earlier to a server that is not running.
 */
import { describe, expect, it } from 'vitest';
import { ConsoleCore } from '../../desktop/src/core/console-core';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { MemoryTokenStore } from '../../desktop/src/core/token-store';
import type { ConsoleEvent } from '../../desktop/src/shared/console-api';
import { freeLocalPort } from '../helpers/server';

async function signedInCore() {
  const cache = new ConsoleCache(':memory:');
  cache.setMeta({
    serverUrl: `http://127.0.0.1:${await freeLocalPort()}`,
    user: { id: 'u1', email: 'op@example.test', name: 'Op', role: 'operator' },
  });
  const core = new ConsoleCore(cache, new MemoryTokenStore());
  const events: ConsoleEvent[] = [];
  core.subscribe((e) => events.push(e));
  return { core, events };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a refusal');
    },
    (e: Error) => e.message,
  );

describe('console API errors', () => {
  it('are sentences, with the technical detail in an apiError event', async () => {
    const { core, events } = await signedInCore();
    const cases: [string, unknown, string][] = [
      [
        'signIn',
        { serverUrl: 'http://x.test', email: `${'a'.repeat(300)}@b.test`, password: 'p' },
        'That email address is too long (254 characters at most).',
      ],
      [
        'signIn',
        { serverUrl: 'not a url', email: 'a@b.test', password: 'p' },
        'Enter the server address as a web address, for example http://localhost:4000.',
      ],
      [
        'signIn',
        { serverUrl: 'http://x.test', email: 'nobody', password: 'p' },
        'Enter your email address, for example name@example.com.',
      ],
      [
        'sendMessage',
        { conversationId: 'c1', body: 'x'.repeat(4001) },
        'Messages are limited to 4000 characters.',
      ],
      ['sendMessage', { conversationId: 'c1', body: '' }, 'Write a message first.'],
      [
        'sendCommand',
        { screenIds: ['s1'], type: 'setBrightness', params: { brightness: 150 } },
        'Brightness must be a whole number from 0 to 100.',
      ],
      [
        'sendCommand',
        { screenIds: ['s1'], type: 'setPower', params: { power: 'max' } },
        'Choose on, standby or off for the display power.',
      ],
    ];
    for (const [method, params, sentence] of cases) {
      expect(await failure(core.invoke(method, params)), method).toBe(sentence);
    }
    const details = events.filter((e) => e.type === 'apiError').map((e) => e.detail);
    expect(details).toHaveLength(cases.length);
    expect(details[0]).toMatch(/^signIn: email: Too big/);
    expect(details[5]).toMatch(/brightness/);
    // Nothing invalid was queued.
    expect(core.cache.outboxSize()).toBe(0);
    core.close();
  });

  it('say a server that cannot be reached as a sentence', async () => {
    const { core } = await signedInCore();
    const port = await freeLocalPort();
    expect(
      await failure(
        core.invoke('signIn', {
          serverUrl: `http://127.0.0.1:${port}`,
          email: 'a@b.test',
          password: 'p',
        }),
      ),
    ).toBe(
      `Cannot reach the server at http://127.0.0.1:${port}. Check the address, and that the server is running.`,
    );
    core.close();
  });
});
