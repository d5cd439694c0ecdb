/**
 * Screenshots of a real X display (issue 13): Xvfb from Debian's packages, something drawn on
 * its root window with xsetroot, the agent's configured capture command (`xwd -root`, decoded
 * by the agent itself; and ImageMagick's `import -window root png:-` where it is installed)
 * → uploaded over HTTP with the device's credentials to a real server (embedded broker,
 * SQLite) → the server's GET answers exactly those pixels. A black display raises
 * `blank_screen` and drawing on it clears it; an unchanging one raises `frozen_screen` (the
 * test config's 1.5 s, not the default 10 min) and a change clears it.
 *
 * Needs: Xvfb (xvfb), xsetroot (x11-xserver-utils), xwd (x11-apps); `import` (imagemagick)
 * for its own case, which says so and is skipped where ImageMagick is absent.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, CreateScreenResponse } from '../../protocol';
import { startAgent, type Agent } from '../src/agent';
import { parseConfig, type AgentConfigInput } from '../src/config';
import { createLogger } from '../src/log';
import { decodeXwd } from '../src/screenshots/xwd';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

const W = 320;
const H = 240;
const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

function freeDisplay(): number {
  for (let n = 90 + Math.floor(Math.random() * 300); ; n++)
    if (!fs.existsSync(`/tmp/.X11-unix/X${n}`) && !fs.existsSync(`/tmp/.X${n}-lock`)) return n;
}

function x(display: string, ...args: string[]) {
  const r = spawnSync(args[0]!, args.slice(1), { env: { ...process.env, DISPLAY: display } });
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr.toString()}`);
  return r.stdout;
}

describe('screenshots of a real X display (Xvfb)', () => {
  const missing = ['Xvfb', 'xsetroot', 'xwd'].filter((t) => !has(t));
  let xvfb: ChildProcess;
  let display: string;
  let server: TestServer;
  let socket: ConsoleSocket;
  let token: string;
  const agents: Agent[] = [];
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-xvfb-'));
  let screen = 0;

  beforeAll(async () => {
    // A machine without them cannot run this test at all: fail, naming the packages.
    if (missing.length)
      throw new Error(
        `needs ${missing.join(', ')} (Debian: xvfb x11-xserver-utils x11-apps) — not installed`,
      );
    const n = freeDisplay();
    display = `:${n}`;
    // -noreset: the root window keeps what xsetroot drew after xsetroot disconnects.
    xvfb = spawn(
      'Xvfb',
      [display, '-screen', '0', `${W}x${H}x24`, '-nolisten', 'tcp', '-noreset'],
      {
        stdio: 'ignore',
      },
    );
    await waitFor(() => fs.existsSync(`/tmp/.X11-unix/X${n}`), 10_000, 'Xvfb to listen');
    server = await startTestServer('sqlite');
    token = (await login(server)).token;
    socket = await connectSocket(server, token);
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) await a.stop().catch(() => undefined);
    socket?.disconnect();
    await server?.stop();
    xvfb?.kill('SIGTERM');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  async function startScreenAgent(capture: AgentConfigInput['screenshots']) {
    const id = `xvfb-${++screen}-${Math.random().toString(36).slice(2, 7)}`;
    const created = await api<CreateScreenResponse>(
      server,
      'POST',
      '/api/screens',
      { id, name: `Xvfb ${screen}` },
      token,
    );
    expect(created.status).toBe(201);
    const config = parseConfig({
      screenId: id,
      broker: { url: server.mqttUrl, username: id, password: created.body.credentials.password },
      httpUrl: server.url,
      dataDir: path.join(tmp, id),
      player: { type: 'external' },
      probes: {
        power: { kind: 'static', value: 'on' },
        brightness: { kind: 'static', value: 80 },
      },
      screenshots: capture,
    });
    const agent = await startAgent(config, { log: createLogger('error') });
    agents.push(agent);
    await agent.firstConnect;
    await waitFor(
      () => server.fleet.state.get(id)?.capabilities.includes('screenshot'),
      10_000,
      'the screen online with screenshot',
    );
    return { id, agent };
  }

  async function takeScreenshot(screenId: string): Promise<Command> {
    const ack = await emitAck<{ ok: boolean; data: { commands: Command[] } }>(
      socket,
      'sendCommand',
      {
        commandId: `shot-${Math.random().toString(36).slice(2, 12)}`,
        target: { screenIds: [screenId] },
        type: 'screenshot',
        params: {},
      },
    );
    expect(ack.ok).toBe(true);
    const commandId = ack.data.commands[0]!.id;
    return waitFor(
      async () => {
        const row = await server.ctx.knex('commands').where({ id: commandId }).first();
        return row && ['succeeded', 'failed', 'rejected'].includes(row.status)
          ? ({ ...row } as Command)
          : null;
      },
      20_000,
      'the screenshot command to finish',
    );
  }

  async function latestImage(screenId: string) {
    const res = await fetch(`${server.url}/api/screens/${screenId}/screenshot`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const capturedAt = Number(res.headers.get('x-captured-at'));
    expect(capturedAt).toBeGreaterThan(Date.now() - 60_000);
    return { png: PNG.sync.read(Buffer.from(await res.arrayBuffer())), capturedAt };
  }

  /** The display as xwd sees it now, for comparing with what the server stored. */
  const displayNow = () => decodeXwd(x(display, 'xwd', '-root', '-silent'));

  async function faults(screenId: string): Promise<string[]> {
    const rows = await server.ctx
      .knex('screen_events')
      .where({ screen_id: screenId })
      .whereIn('kind', ['fault', 'faultCleared'])
      .orderBy('ts');
    return rows.map((r: { kind: string; payload: string }) => {
      const p = JSON.parse(r.payload) as { code: string };
      return `${r.kind === 'fault' ? '+' : '-'}${p.code}`;
    });
  }

  it('xwd -root: what was drawn reaches the server, pixel for pixel', async () => {
    x(display, 'xsetroot', '-mod', '8', '8', '-fg', '#e03010', '-bg', '#1040c0');
    const { id } = await startScreenAgent({
      capture: { kind: 'exec', file: 'xwd', args: ['-root', '-silent'], env: { DISPLAY: display } },
      watchIntervalMs: 0,
    });
    const cmd = await takeScreenshot(id);
    expect(cmd.status).toBe('succeeded');
    expect(cmd.detail).toMatch(/^screenshot shot_[0-9a-f]+ uploaded \(320x240/);
    const { png } = await latestImage(id);
    expect([png.width, png.height]).toEqual([W, H]);
    const expected = displayNow();
    let differing = 0;
    for (let i = 0; i < W * H; i++)
      for (let c = 0; c < 3; c++) if (png.data[i * 4 + c] !== expected.data[i * 4 + c]) differing++;
    expect(differing).toBe(0);
    // Both colours of the pattern are there: it is the drawing, not a uniform fill.
    const colours = new Set<string>();
    for (let i = 0; i < W * H; i += 7) colours.add(png.data.subarray(i * 4, i * 4 + 3).join(','));
    expect(colours).toContain('224,48,16');
    expect(colours).toContain('16,64,192');
    // The listing names it, with its capture time.
    const list = await api<{ screenshots: { id: string; capturedAt: number }[] }>(
      server,
      'GET',
      `/api/screens/${id}/screenshots`,
      undefined,
      token,
    );
    expect(cmd.detail).toContain(list.body.screenshots[0]!.id);
  }, 60_000);

  it('import -window root png:- (ImageMagick) reaches the server too', async (ctx) => {
    if (!has('import')) {
      console.warn('skipped: ImageMagick `import` is not installed (Debian package imagemagick)');
      ctx.skip();
    }
    x(display, 'xsetroot', '-mod', '5', '5', '-fg', '#20c040', '-bg', '#000000');
    const { id } = await startScreenAgent({
      capture: {
        kind: 'exec',
        file: 'import',
        args: ['-window', 'root', 'png:-'],
        env: { DISPLAY: display },
      },
      watchIntervalMs: 0,
    });
    expect((await takeScreenshot(id)).status).toBe('succeeded');
    const { png } = await latestImage(id);
    expect([png.width, png.height]).toEqual([W, H]);
    const expected = displayNow();
    for (const i of [0, 1234, W * H - 1])
      expect([...png.data.subarray(i * 4, i * 4 + 3)]).toEqual([
        ...expected.data.subarray(i * 4, i * 4 + 3),
      ]);
  }, 60_000);

  it('a black display raises blank_screen, drawing clears it; unchanging raises frozen_screen', async () => {
    x(display, 'xsetroot', '-solid', '#000000');
    const { id } = await startScreenAgent({
      capture: { kind: 'shell', command: 'xwd -root -silent', env: { DISPLAY: display } },
      watchIntervalMs: 300,
      blankAfterCaptures: 2,
      frozenAfterMs: 1_500,
    });
    await waitFor(async () => (await faults(id)).includes('+blank_screen'), 15_000, 'blank_screen');
    // A black screen is blank, not also frozen.
    expect(await faults(id)).not.toContain('+frozen_screen');
    // The capture that raised it is uploaded as its evidence.
    await waitFor(
      async () =>
        (await server.ctx.knex('screenshots').where({ screen_id: id, trigger: 'fault' })).length,
      15_000,
      'the evidence upload',
    );

    x(display, 'xsetroot', '-mod', '6', '6', '-fg', '#ffffff', '-bg', '#202020');
    await waitFor(
      async () => (await faults(id)).includes('-blank_screen'),
      15_000,
      'blank cleared',
    );
    // Nothing changes on the display now: after 1.5 s it is frozen.
    await waitFor(
      async () => (await faults(id)).includes('+frozen_screen'),
      15_000,
      'frozen_screen',
    );
    x(display, 'xsetroot', '-mod', '3', '9', '-fg', '#ffe000', '-bg', '#003000');
    await waitFor(
      async () => (await faults(id)).includes('-frozen_screen'),
      15_000,
      'frozen cleared',
    );
    const seen = (await faults(id)).filter((f) => f.startsWith('+'));
    expect(seen).toEqual(['+blank_screen', '+frozen_screen']);
    // The fault reached the alarms as well: the operator sees it.
    const alarms = await server.ctx.knex('alarms').where({ screen_id: id, code: 'blank_screen' });
    expect(alarms.length).toBe(1);
  }, 90_000);
});
