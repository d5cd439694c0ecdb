/**
 * DNS rebinding against the browser host: a page whose name was re-pointed at 127.0.0.1 reaches
 * the host with its own name in `Host` (and a matching Origin). Real HTTP requests and real
 * WebSocket upgrades with a foreign Host are refused with a sentence; loopback names with the
 * host's port, and names the operator allowed, are served.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { buildRenderer } from '../../desktop/src/host/build-renderer';
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';

/** A raw GET with the Host header we choose (fetch does not let a caller set Host). */
function get(port: number, hostHeader: string, p = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port, path: p, method: 'GET', headers: { host: hostHeader } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens the console API's WebSocket with the given Host and Origin; resolves how it ended. */
function upgrade(
  port: number,
  hostHeader: string,
): Promise<{ opened: true } | { opened: false; status: number; body: string }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/console-api`, {
      headers: { host: hostHeader },
      origin: `http://${hostHeader}`,
    });
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body }));
    });
    ws.on('error', () => undefined); // the unexpected-response above says what happened
  });
}

describe('the browser host refuses foreign Host names (DNS rebinding)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-rebind-'));
  let host: ConsoleHost;

  beforeAll(async () => {
    const rendererDir = await buildRenderer(path.join(tmp, 'renderer'));
    host = await startConsoleHost({
      port: 0,
      dataDir: path.join(tmp, 'console'),
      rendererDir,
      allowHosts: ['console.lan'],
    });
  }, 120_000);
  afterAll(async () => {
    await host?.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('serves the page at loopback names with its own port and at allowed names', async () => {
    for (const name of ['localhost', '127.0.0.1', '[::1]', 'console.lan', 'CONSOLE.LAN']) {
      const res = await get(host.port, `${name}:${host.port}`);
      expect(res.status, name).toBe(200);
      expect(res.body).toContain('<div id="root">');
    }
  });

  it('refuses a rebinding name, another port and a name without the port with 421 and a sentence', async () => {
    for (const h of [`evil.example:${host.port}`, 'localhost:1', `localhost`, `console.lan:80`]) {
      const res = await get(host.port, h, '/index.html');
      expect(res.status, h).toBe(421);
      expect(res.body).toMatch(/^This console answers only at http:\/\/localhost:\d+/);
      expect(res.body).not.toContain('<div id="root">');
    }
  });

  it('refuses the console API WebSocket under a foreign Host even with a matching Origin', async () => {
    const refused = await upgrade(host.port, `evil.example:${host.port}`);
    expect(refused).toMatchObject({ opened: false, status: 421 });
    expect((refused as { body: string }).body).toMatch(/--allow-host/);
    expect(await upgrade(host.port, `localhost:${host.port}`)).toEqual({ opened: true });
    expect(await upgrade(host.port, `console.lan:${host.port}`)).toEqual({ opened: true });
  });
});
