/**
 * Provisions screens against a running Marquee server's REST API with admin credentials:
 * log in, create each screen (or, when it already exists, rotate its device credentials, since
 * the server shows a password only once) and return the MQTT credentials to use.
 */
import { z } from 'zod';
import type { ScreenSpec } from './screen-catalog';

const LoginAnswer = z.object({ token: z.string().min(1) });
const Credentials = z.object({ username: z.string().min(1), password: z.string().min(1) });
const CredentialsAnswer = z.object({ credentials: Credentials });
export type DeviceCredentials = z.infer<typeof Credentials>;

export class ProvisionError extends Error {
  override readonly name = 'ProvisionError';
}

async function call(
  url: string,
  init: { method: string; token?: string; body?: unknown },
): Promise<{ status: number; json: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: init.method,
      headers: {
        'content-type': 'application/json',
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (err) {
    throw new ProvisionError(`cannot reach ${url}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, json };
}

function expect<T>(
  schema: z.ZodType<T>,
  answer: { status: number; json: unknown },
  what: string,
): T {
  const parsed = schema.safeParse(answer.json);
  if (answer.status >= 200 && answer.status < 300 && parsed.success) return parsed.data;
  const message =
    (answer.json as { error?: { message?: string } } | null)?.error?.message ??
    (parsed.success ? '' : 'unexpected answer');
  throw new ProvisionError(`${what} failed: HTTP ${answer.status} ${message}`.trim());
}

export async function login(serverUrl: string, email: string, password: string): Promise<string> {
  const answer = await call(`${serverUrl}/api/auth/login`, {
    method: 'POST',
    body: { email, password },
  });
  return expect(LoginAnswer, answer, `login as ${email}`).token;
}

export async function provisionScreen(
  serverUrl: string,
  token: string,
  spec: ScreenSpec,
): Promise<DeviceCredentials> {
  const created = await call(`${serverUrl}/api/screens`, { method: 'POST', token, body: spec });
  if (created.status !== 409) {
    return expect(CredentialsAnswer, created, `creating screen ${spec.id}`).credentials;
  }
  const rotated = await call(
    `${serverUrl}/api/screens/${encodeURIComponent(spec.id)}/credentials`,
    {
      method: 'POST',
      token,
    },
  );
  return expect(CredentialsAnswer, rotated, `rotating credentials of ${spec.id}`).credentials;
}
