/**
 * Hardening (issue 10), password spraying: sign-in is limited per address across e-mails, the
 * number of concurrent password checks is capped, and X-Forwarded-For is believed only when
 * TRUST_PROXY says so. Real server, real HTTP (no storage involved beyond the users table).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { passwordGate } from '../src/auth/password-gate';
import { api, startTestServer, type TestServer } from '../../test/helpers/server';

type Err = { error: { code: string; message: string } };

async function attempt(server: TestServer, email: string, forwardedFor?: string) {
  const res = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
    },
    body: JSON.stringify({ email, password: 'Spring2026!' }),
  });
  return {
    status: res.status,
    body: (await res.json()) as Err,
    retryAfter: res.headers.get('retry-after'),
  };
}

describe('sign-in against spraying', () => {
  let server: TestServer | null = null;
  afterEach(async () => {
    await server?.stop();
    server = null;
  });

  it('25 e-mails from one address: the 21st on is refused before any password check; concurrent checks are capped', async () => {
    server = await startTestServer('sqlite');
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) => attempt(server!, `victim${i}@test.local`)),
    );
    const by = (s: number) => results.filter((r) => r.status === s);
    // Counted up front: exactly the five over the limit of 20 are refused as rate-limited.
    expect(by(429)).toHaveLength(5);
    for (const r of by(429)) {
      expect(r.body.error.message).toMatch(
        /^Too many sign-in attempts; please try again in \d+ min\.$/,
      );
      expect(Number(r.retryAfter)).toBeGreaterThan(0);
    }
    // The rest were checked (401) or shed by the password gate (503) — never all at once.
    expect(by(401).length + by(503).length).toBe(20);
    for (const r of by(503)) {
      expect(r.body.error.message).toMatch(/busy.*try again/);
      expect(r.retryAfter).toBe('2');
    }
    expect(passwordGate.peak).toBeLessThanOrEqual(2);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/marquee_password_checks_peak [12]\n/);
    // Another new e-mail from the same address is refused too.
    expect((await attempt(server, 'someone-else@test.local')).status).toBe(429);
    console.log(
      `[spray] 25 e-mails at once: ${by(401).length} checked, ${by(503).length} shed as busy, ${by(429).length} rate-limited; peak concurrent checks ${passwordGate.peak}`,
    );
  });

  it('a spoofed X-Forwarded-For does not buy fresh counters (TRUST_PROXY unset)', async () => {
    server = await startTestServer('sqlite');
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt(server!, 'admin@test.local', `203.0.113.${i}`)),
    );
    expect(results.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it('with TRUST_PROXY=loopback the forwarded client address is the one counted', async () => {
    server = await startTestServer('sqlite', { trustProxy: 'loopback' });
    const first = await Promise.all(
      Array.from({ length: 11 }, () => attempt(server!, 'admin@test.local', '198.51.100.1')),
    );
    expect(first.filter((r) => r.status === 429)).toHaveLength(1);
    // Another client behind the same proxy has its own counter.
    expect((await attempt(server, 'admin@test.local', '198.51.100.2')).status).toBe(401);
    const ok = await api(server, 'POST', '/api/auth/login', {
      email: 'admin@test.local',
      password: 'admin-password-123',
    });
    expect(ok.status).toBe(200);
  });
});

describe('TRUST_PROXY', () => {
  it('is off unless set, takes names, addresses and hop counts, and refuses "trust everybody"', async () => {
    const { configFromEnv } = await import('../src/config');
    expect(configFromEnv({}).trustProxy).toBe(false);
    expect(configFromEnv({ TRUST_PROXY: 'off' }).trustProxy).toBe(false);
    expect(configFromEnv({ TRUST_PROXY: 'loopback' }).trustProxy).toBe('loopback');
    expect(configFromEnv({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).trustProxy).toBe(
      '10.0.0.0/8, 127.0.0.1',
    );
    expect(configFromEnv({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(() => configFromEnv({ TRUST_PROXY: 'true' })).toThrow(/name the proxy instead/);
  });
});
