/**
 * Real receivers for alarm deliveries: an SMTP server (smtp-server, on port 0, every message
 * parsed with mailparser) and an HTTP webhook receiver (node:http, port 0) that can be told to
 * fail a path's first N requests.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface MailBox {
  url: string;
  mails: ParsedMail[];
  /** Mails to one address. */
  to(address: string): ParsedMail[];
  close(): Promise<void>;
}

export async function startMailBox(): Promise<MailBox> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (err: Error) => callback(err),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  const addressesOf = (m: ParsedMail) =>
    (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) =>
      a.value.map((v) => v.address?.toLowerCase()),
    );
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    to: (address) => mails.filter((m) => addressesOf(m).includes(address.toLowerCase())),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface Hit {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The status this receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  hits: Hit[];
  /** Successful deliveries to one path. */
  taken(path: string): Hit[];
  /** The next `n` requests to `path` answer `status` (default 503). */
  failNext(path: string, n: number, status?: number): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const hits: Hit[] = [];
  const failures = new Map<string, { left: number; status: number }>();
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const f = failures.get(path);
      const status = f && f.left > 0 ? f.status : 200;
      if (f && f.left > 0) f.left -= 1;
      let body: unknown = raw;
      try {
        body = JSON.parse(raw);
      } catch {
        // kept as text
      }
      hits.push({ path, headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    taken: (path) => hits.filter((h) => h.path === path && h.status === 200),
    failNext: (path, n, status = 503) => failures.set(path, { left: n, status }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
