/**
 * The Marquee server as its own process (`node --import tsx server/src/main.ts`, what
 * `npm run server` runs, minus the tsx CLI's extra wrapper process), configured through the
 * environment exactly as an operator would.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CreateScreenResponse, LoginResponse } from '../../protocol';
import { freePort, sleep, spawnNode, stopChild, type Spawned } from './proc';

export const BENCH_ADMIN = { email: 'bench-admin@bench.local', password: 'bench-password-123' };

export interface BenchServer extends Spawned {
  url: string;
  port: number;
  mqttPort: number | null;
  clientId: string;
  profileDir: string | null;
  stop(): Promise<void>;
}

export async function startBenchServer(opts: {
  name: string;
  runDir: string;
  databaseUrl: string;
  mqttUrl: string | null;
  nodeId: string;
  tickMs: number;
  profile?: boolean;
}): Promise<BenchServer> {
  const port = await freePort();
  const mqttPort = opts.mqttUrl ? null : await freePort();
  const dataDir = path.join(opts.runDir, `${opts.name}-data`);
  fs.mkdirSync(dataDir, { recursive: true });
  const profileDir = opts.profile ? path.join(opts.runDir, `${opts.name}-profile`) : null;
  const s = spawnNode({
    file: 'server/src/main.ts',
    logFile: path.join(opts.runDir, `${opts.name}.log`),
    nodeArgs: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      MQTT_URL: opts.mqttUrl ?? '',
      MQTT_PORT: mqttPort ? String(mqttPort) : '',
      DATABASE_URL: opts.databaseUrl,
      MARQUEE_DATA_DIR: dataDir,
      MARQUEE_ADMIN_EMAIL: BENCH_ADMIN.email,
      MARQUEE_ADMIN_PASSWORD: BENCH_ADMIN.password,
      MARQUEE_STATUS_TICK_MS: String(opts.tickMs),
      MARQUEE_NODE_ID: opts.nodeId,
      // The bench's consoles all sign in as one admin; a real user holds a few (default cap 8).
      MARQUEE_MAX_SOCKETS_PER_USER: '1000',
      LOG_LEVEL: 'warn',
      REDIS_URL: '',
    },
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (s.child.exitCode !== null) throw new Error(`server ${opts.name} exited:\n${s.tail(30)}`);
    const ok = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stopChild(s.child, 1000);
      throw new Error(`server ${opts.name} not healthy in 60 s:\n${s.tail(30)}`);
    }
    await sleep(200);
  }
  return {
    ...s,
    url,
    port,
    mqttPort,
    clientId: `marquee-server-${opts.nodeId}`,
    profileDir,
    stop: () => stopChild(s.child, 15_000),
  };
}

export async function postJson<T>(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

export async function login(url: string): Promise<LoginResponse> {
  const res = await postJson<LoginResponse>(`${url}/api/auth/login`, BENCH_ADMIN);
  if (res.status !== 200) throw new Error(`login: HTTP ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Creates the screens through the REST API, `concurrency` requests in flight. */
export async function provisionScreens(
  url: string,
  token: string,
  ids: string[],
  concurrency = 32,
): Promise<{ credentials: Map<string, string>; ms: number }> {
  const started = performance.now();
  const credentials = new Map<string, string>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++]!;
      const res = await postJson<CreateScreenResponse>(
        `${url}/api/screens`,
        { id, name: `Bench ${id}`, address: 'Loopback Ave 1', tags: ['bench'] },
        token,
      );
      if (res.status !== 201)
        throw new Error(`POST /api/screens ${id}: HTTP ${res.status} ${JSON.stringify(res.body)}`);
      credentials.set(id, res.body.credentials.password);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { credentials, ms: performance.now() - started };
}
