/**
 * The browser host: runs the console core in Node, serves the built renderer, and carries the
 * console API over a WebSocket at /console-api (the same calls and events the Electron preload
 * carries over IPC). It listens on loopback only, answers only loopback `Host` names with its
 * own port (plus names the operator allows: see allowed-hosts.ts, DNS rebinding), and accepts
 * WebSocket upgrades only from its own origin, so no other web page can drive it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type net from 'node:net';
import path from 'node:path';
import express from 'express';
import { WebSocketServer, type WebSocket } from 'ws';
import { ConsoleError } from '../shared/console-api';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { HOST_PING, type ClientFrame, type HostFrame } from '../shared/ws-console-client';
import { openConsoleCore, type ConsoleCore } from '../core/console-core';
import { FileTokenStore } from '../core/token-store';
import { createHostCheck, type HostCheck } from './allowed-hosts';

export interface ConsoleHost {
  url: string;
  port: number;
  core: ConsoleCore;
  close(): Promise<void>;
}

export async function startConsoleHost(opts: {
  port: number;
  dataDir: string;
  rendererDir: string;
  host?: string;
  defaultServerUrl?: string;
  /** Names besides loopback this host may be reached by (`name` or `name:port`). */
  allowHosts?: string[];
}): Promise<ConsoleHost> {
  if (!fs.existsSync(path.join(opts.rendererDir, 'index.html'))) {
    throw new Error(`no built renderer in ${opts.rendererDir}: run npm run build:web`);
  }
  fs.mkdirSync(opts.dataDir, { recursive: true });
  const core = openConsoleCore(
    path.join(opts.dataDir, 'console-cache.db'),
    new FileTokenStore(path.join(opts.dataDir, 'session-token')),
    opts.defaultServerUrl ?? null,
  );

  // Known once the server listens (port 0 picks one); nothing is served before that.
  let hostCheck: HostCheck | null = null;
  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    if (!hostCheck?.allows(req.headers.host)) {
      // 421 Misdirected Request: this server does not answer for that name.
      res
        .status(421)
        .type('text/plain')
        .send(hostCheck?.refusal(req.headers.host) ?? 'Starting.');
      return;
    }
    next();
  });
  app.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(express.static(opts.rendererDir, { index: 'index.html' }));
  const server = http.createServer(app);
  // Room for one message's attachment (10 MiB, as base64) plus its envelope; see attachments-outbox.ts.
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });

  server.on('upgrade', (req, socket, head) => {
    if (!hostCheck?.allows(req.headers.host)) {
      const body = hostCheck?.refusal(req.headers.host) ?? 'Starting.';
      socket.end(
        `HTTP/1.1 421 Misdirected Request\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    const origin = req.headers.origin;
    const expected = `http://${req.headers.host}`;
    if (new URL(req.url ?? '/', expected).pathname !== '/console-api' || origin !== expected) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(ws, core));
  });

  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  // The address it was told to listen on is a name the operator chose too.
  const listenName = host.includes(':') ? `[${host}]` : host;
  const wildcard = host === '0.0.0.0' || host === '::';
  hostCheck = createHostCheck(port, [
    ...(opts.allowHosts ?? []),
    ...(wildcard ? [] : [listenName]),
  ]);
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    core,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      core.close();
    },
  };
}

function serve(ws: WebSocket, core: ConsoleCore): void {
  const send = (frame: HostFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  // A page asks for the snapshot itself: on load (early-connect.js, before its bundle runs) and
  // after reconnecting to a restarted host (ws-console-client.ts).
  const unsubscribe = core.subscribe((event) => send({ event }));
  ws.on('close', unsubscribe);
  ws.on('message', (raw) => {
    let frame: ClientFrame;
    try {
      frame = JSON.parse(String(raw)) as ClientFrame;
      if (typeof frame.id !== 'number' || typeof frame.method !== 'string')
        throw new Error('not a call');
    } catch {
      return; // not a frame of ours; nothing to answer to
    }
    if (frame.method === HOST_PING) {
      send({ id: frame.id, ok: true, data: null });
      return;
    }
    if (frame.method === 'getSnapshot') {
      // Spliced JSON rather than invoke + stringify: see ConsoleCore.snapshotJson.
      if (ws.readyState === ws.OPEN)
        ws.send(`{"id":${frame.id},"ok":true,"data":${core.snapshotJson()}}`);
      return;
    }
    core.invoke(frame.method, frame.params).then(
      (data) => send({ id: frame.id, ok: true, data }),
      (err: unknown) => {
        const code = err instanceof ConsoleError ? err.code : 'internal';
        if (!(err instanceof ConsoleError)) console.error('[marquee host]', err);
        send({ id: frame.id, ok: false, error: { code, message: (err as Error).message } });
      },
    );
  });
}
