/**
 * The `httpUrl` a new screen's agent config carries (where its screenshots are uploaded):
 * MARQUEE_PUBLIC_URL when set; otherwise the address the admin's request reached the server at
 * (its Host), and none at all when that Host is not an address. The config the agent is handed
 * is parsed by the agent's own schema. Real servers (SQLite), real HTTP requests.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvisionedScreenResponse } from '../../protocol';
import { AgentConfig } from '../../device-agent/src/config';
import { configFromEnv } from '../src/config';
import { deviceHttpUrl } from '../src/admin-screens/provisioning';
import { api, login, startTestServer, type TestServer } from '../../test/helpers/server';

/** POST with a Host header of our choosing (fetch does not let one set it). */
function registerWithHost(server: TestServer, token: string, host: string, id: string) {
  const body = JSON.stringify({ id, name: `Screen ${id}` });
  const { port } = new URL(server.url);
  return new Promise<{ status: number; body: ProvisionedScreenResponse }>((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/api/admin/screens',
        headers: {
          host,
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as never }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('provisioning writes httpUrl', () => {
  let server: TestServer;
  let publicServer: TestServer;
  let token: string;
  let publicToken: string;

  beforeAll(async () => {
    server = await startTestServer('sqlite');
    publicServer = await startTestServer('sqlite', {
      publicUrl: 'https://marquee.example.com/',
    });
    ({ token } = await login(server));
    ({ token: publicToken } = await login(publicServer));
  });
  afterAll(async () => {
    await server?.stop();
    await publicServer?.stop();
  });

  it('is the address the admin reached the server at, by default', async () => {
    const res = await registerWithHost(server, token, 'screens.example.net:8080', 'hu-1');
    expect(res.status).toBe(201);
    const config = AgentConfig.parse(res.body.provisioning.agentConfig);
    expect(config.httpUrl).toBe('http://screens.example.net:8080');
  });

  it('is left out when the Host is not an address (the agent then derives its own)', async () => {
    const res = await registerWithHost(server, token, 'user@evil.example', 'hu-2');
    expect(res.status).toBe(201);
    expect(res.body.provisioning.agentConfig).not.toHaveProperty('httpUrl');
    expect(AgentConfig.parse(res.body.provisioning.agentConfig).httpUrl).toBeUndefined();
  });

  it('is MARQUEE_PUBLIC_URL when set, on register, rotate and restore alike', async () => {
    const reg = await api<ProvisionedScreenResponse>(
      publicServer,
      'POST',
      '/api/admin/screens',
      { id: 'hu-3', name: 'Public' },
      publicToken,
    );
    expect(reg.status).toBe(201);
    expect(reg.body.provisioning.agentConfig.httpUrl).toBe('https://marquee.example.com');
    const rot = await api<ProvisionedScreenResponse>(
      publicServer,
      'POST',
      '/api/admin/screens/hu-3/rotate',
      {},
      publicToken,
    );
    expect(rot.status).toBe(200);
    expect(rot.body.provisioning.agentConfig.httpUrl).toBe('https://marquee.example.com');
    for (const step of ['retire', 'restore']) {
      const res = await api<ProvisionedScreenResponse>(
        publicServer,
        'POST',
        `/api/admin/screens/hu-3/${step}`,
        {},
        publicToken,
      );
      expect(res.status, step).toBe(200);
      if (step === 'restore')
        expect(res.body.provisioning.agentConfig.httpUrl).toBe('https://marquee.example.com');
    }
  });

  it('MARQUEE_PUBLIC_URL that is not http(s) stops the server with a sentence', () => {
    expect(() => configFromEnv({ MARQUEE_PUBLIC_URL: 'ftp://files.example.com' })).toThrow(
      /MARQUEE_PUBLIC_URL must be an http:\/\/ or https:\/\/ URL/,
    );
    expect(configFromEnv({ MARQUEE_PUBLIC_URL: 'https://m.example.com//' }).publicUrl).toBe(
      'https://m.example.com',
    );
  });

  it('takes a host and port only, IPv6 included', () => {
    expect(deviceHttpUrl({ protocol: 'https', host: '[::1]:4000' })).toBe('https://[::1]:4000');
    expect(deviceHttpUrl({ protocol: 'http', host: 'a.example/x?y' })).toBeUndefined();
    expect(deviceHttpUrl({ protocol: 'http', host: undefined })).toBeUndefined();
    expect(deviceHttpUrl({ protocol: 'http', host: 'x' }, 'https://o.example')).toBe(
      'https://o.example',
    );
  });
});
