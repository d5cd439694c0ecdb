/**
 * The map's tile source (issue 13): the address rules both sides use, and the core's
 * `fetchMapTile` against a real HTTP tile server on loopback — images only, size-capped, cached.
 */
import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapTileHandlers, TILE_MAX_BYTES } from '../src/core/map-tiles';
import { tileHost, tileTemplateProblem, tileUrl } from '../src/shared/map-tile-source';
import { consoleRequests } from '../src/shared/console-api';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

describe('tile addresses', () => {
  it('accepts http(s) templates with {z}, {x} and {y}', () => {
    expect(tileTemplateProblem('https://tiles.example.org/{z}/{x}/{y}.png')).toBeNull();
    expect(tileTemplateProblem('http://10.0.0.5:8080/osm/{z}/{x}/{y}.png?style=dark')).toBeNull();
    expect(tileUrl('https://t.example/{z}/{x}/{y}.png', 3, 4, 5)).toBe(
      'https://t.example/3/4/5.png',
    );
    expect(tileHost('https://tiles.example.org:8443/{z}/{x}/{y}.png')).toBe(
      'tiles.example.org:8443',
    );
  });

  it('refuses others with a sentence', () => {
    expect(tileTemplateProblem('')).toMatch(/^Give a tile address/);
    expect(tileTemplateProblem('https://t.example/{z}/{x}.png')).toBe(
      'The tile address needs {z}, {x} and {y}; {y} is missing.',
    );
    expect(tileTemplateProblem('https://{s}.t.example/{z}/{x}/{y}.png')).toBe(
      'The tile address may use only {z}, {x} and {y}, not {s}.',
    );
    expect(tileTemplateProblem('file:///tiles/{z}/{x}/{y}.png')).toBe(
      'Tile addresses start with https:// or http://.',
    );
    expect(tileTemplateProblem('tiles/{z}/{x}/{y}.png')).toMatch(/not a web address/);
    expect(tileTemplateProblem('https://me:secret@t.example/{z}/{x}/{y}.png')).toMatch(
      /no user name or password/,
    );
    expect(tileTemplateProblem(`https://t.example/${'a'.repeat(500)}/{z}/{x}/{y}`)).toMatch(
      /limited to 500/,
    );
  });

  it('bounds the console API request', () => {
    const req = consoleRequests.fetchMapTile;
    expect(req.safeParse({ template: 'x', z: 1, x: 0, y: 0 }).success).toBe(true);
    expect(req.safeParse({ template: 'x', z: 23, x: 0, y: 0 }).success).toBe(false);
    expect(req.safeParse({ template: 'x', z: 1, x: -1, y: 0 }).success).toBe(false);
    expect(req.safeParse({ template: 'x', z: 1, x: 0, y: 0, extra: 1 }).success).toBe(false);
  });
});

describe('fetchMapTile through a real tile server', () => {
  let server: http.Server;
  let base = '';
  const hits: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url?.startsWith('/png/'))
        res.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      else if (req.url?.startsWith('/html/'))
        res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hi</h1>');
      else if (req.url?.startsWith('/big/'))
        // No content-length: the cap must hold while reading.
        res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(TILE_MAX_BYTES + 1));
      else res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('returns the tile as a data: URL, and a repeat from its cache', async () => {
    const { fetchMapTile } = mapTileHandlers();
    const template = `${base}/png/{z}/{x}/{y}.png`;
    const first = await fetchMapTile({ template, z: 2, x: 1, y: 3 });
    expect(first.dataUrl).toBe(`data:image/png;base64,${PNG.toString('base64')}`);
    const again = await fetchMapTile({ template, z: 2, x: 1, y: 3 });
    expect(again).toEqual(first);
    expect(hits.filter((h) => h === '/png/2/1/3.png')).toHaveLength(1);
  });

  it('refuses what is not an image, too big, missing, or not a tile', async () => {
    const { fetchMapTile } = mapTileHandlers();
    await expect(
      fetchMapTile({ template: `${base}/html/{z}/{x}/{y}`, z: 1, x: 0, y: 0 }),
    ).rejects.toThrow('The tile server sent text/html, not an image.');
    await expect(
      fetchMapTile({ template: `${base}/big/{z}/{x}/{y}`, z: 1, x: 0, y: 0 }),
    ).rejects.toThrow('The tile server sent a tile over 1 MiB.');
    await expect(
      fetchMapTile({ template: `${base}/none/{z}/{x}/{y}`, z: 1, x: 0, y: 0 }),
    ).rejects.toThrow('The tile server answered 404.');
    await expect(
      fetchMapTile({ template: `${base}/png/{z}/{x}/{y}`, z: 1, x: 2, y: 0 }),
    ).rejects.toThrow('No tile 1/2/0.');
    await expect(
      fetchMapTile({ template: 'file:///etc/{z}/{x}/{y}', z: 1, x: 0, y: 0 }),
    ).rejects.toThrow('Tile addresses start with https:// or http://.');
    expect(hits.some((h) => h.startsWith('/png/1/2/0'))).toBe(false);
  });

  it('says when the tile server does not answer', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const { fetchMapTile } = mapTileHandlers();
    await expect(
      fetchMapTile({ template: `http://127.0.0.1:${port}/{z}/{x}/{y}`, z: 0, x: 0, y: 0 }),
    ).rejects.toThrow(/^The tile server did not answer/);
  });
});
