/**
 * `npm run bench [-- --short]`: the Marquee performance benchmark. See bench/README.md.
 *
 * Every program runs as its own process: the server (`server/src/main.ts`), the load generator
 * (bench/workers/loadgen.ts), the bare baseline subscriber, the console connections, one full
 * console core, the browser host, Chromium and a device agent. This process only orchestrates,
 * scrapes /metrics and reads /proc; it kills every child when it ends, however it ends.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { topics } from '../protocol';
import { buildRenderer } from '../desktop/src/host/build-renderer';
import { ConsoleCache } from '../desktop/src/core/cache/console-cache';
import { BrowserBench, chromiumPath } from './lib/browser-bench';
import { readConfig } from './lib/config';
import { Histogram } from './lib/histogram';
import {
  REPO_ROOT,
  RssWatcher,
  cpuPct,
  freePort,
  procSample,
  sleep,
  spawnNode,
  spawnWorker,
  stopAll,
  stopChild,
  type ProcSample,
  type Spawned,
} from './lib/proc';
import { labelDeltas, scrape, total, value, type PromSnapshot } from './lib/prom';
import type { RpcClient } from './lib/ipc';
import type { BaselineStep, ProcFigures, RunResults, ServerStep } from './lib/results';
import { summarizeProfile } from './lib/profile';
import { writeReport } from './report';
import { login, provisionScreens, startBenchServer, type BenchServer } from './lib/server';

type Worker = Spawned & { rpc: RpcClient };

const cfg = readConfig();
const runId = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
const prefix = `bench${runId}`;
const runDir = fs.mkdtempSync(path.join(os.tmpdir(), `marquee-bench-${runId}-`));
const t0 = Date.now();
const log = (msg: string) =>
  console.log(`[bench ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${msg}`);

/** Hard ceiling on the whole run: a stuck step cannot keep the machine busy. */
const SETTLE_MS = cfg.mode === 'short' ? 1000 : 3000;
const HARD_LIMIT_MS = cfg.mode === 'short' ? 5 * 60_000 : 40 * 60_000;

const results: RunResults = {
  mode: cfg.mode,
  startedAt: new Date().toISOString(),
  durationS: 0,
  commands: [
    `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
  ],
  machine: machineInfo(),
  setup: {
    brokerUrl: cfg.brokerUrl,
    brokerKind: '',
    db: cfg.db,
    screens: cfg.screens,
    connections: Math.min(cfg.clients, cfg.screens),
    screensPerConnection: Math.ceil(cfg.screens / Math.min(cfg.clients, cfg.screens)),
    consoles: cfg.consoles,
    tickMs: cfg.tickMs,
    warmupS: cfg.warmupS,
    stepS: cfg.stepS,
    prefix,
    payloadBytes: 0,
    profiled: cfg.profile,
  },
  provisioning: null,
  memory: null,
  baseline: [],
  server: [],
  embedded: null,
  console: null,
  agent: null,
  profile: null,
  notes: [],
};

function sh(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
  }
}

function machineInfo(): RunResults['machine'] {
  const mosq = /mosquitto version ([\d.]+)/.exec(sh('mosquitto', ['-h']))?.[1] ?? 'unknown';
  return {
    nproc: os.availableParallelism(),
    memGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    mosquitto: mosq,
    kernel: os.release(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
  };
}

function brokerPid(privatePid: number | null): number | null {
  if (privatePid) return privatePid;
  const out = sh('pgrep', ['-x', 'mosquitto']);
  const pid = Number(out.split('\n')[0]);
  return Number.isFinite(pid) && pid > 0 ? pid : null;
}

const fig = (a: ProcSample | null, b: ProcSample | null): ProcFigures => ({
  cpuPct: cpuPct(a, b),
  rssMb: b ? b.rssKb / 1024 : null,
});

const hist = (pairs: [number, number][]) => {
  const h = new Histogram();
  h.merge(pairs);
  return h.summary();
};

/** Private Mosquitto with no-delay on (optional; the default is the machine's broker). */
async function startPrivateBroker(): Promise<{ url: string; spawned: Spawned }> {
  const port = await freePort();
  const conf = path.join(runDir, 'mosquitto.conf');
  fs.writeFileSync(
    conf,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'set_tcp_nodelay true',
      'max_queued_messages 10000',
      '',
    ].join('\n'),
  );
  const { spawn } = await import('node:child_process');
  const out = fs.openSync(path.join(runDir, 'mosquitto.log'), 'a');
  const child = spawn('mosquitto', ['-c', conf], { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  const spawned: Spawned = { child, pid: child.pid!, logFile: '', tail: () => '' };
  process.on('exit', () => child.kill('SIGKILL'));
  const url = `mqtt://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    const ok = await mqtt
      .connectAsync(url, { reconnectPeriod: 0, connectTimeout: 1000 })
      .then((c) => c.endAsync().then(() => true))
      .catch(() => false);
    if (ok) return { url, spawned };
    await sleep(100);
  }
  throw new Error('private mosquitto did not start');
}

async function checkBroker(url: string): Promise<void> {
  const c = await mqtt
    .connectAsync(url, { reconnectPeriod: 0, connectTimeout: 5000, clientId: `${prefix}-probe` })
    .catch((err: unknown) => {
      throw new Error(
        `no MQTT broker at ${url} (${(err as Error).message}): start Mosquitto or pass --broker-url / --private-broker`,
      );
    });
  await c.endAsync();
}

/** Leaves nothing on the shared broker: persistent sessions and retained messages we made. */
async function cleanBroker(url: string, clientIds: string[], retainedTopics: string[]) {
  for (const clientId of clientIds) {
    const c = await mqtt
      .connectAsync(url, { clientId, clean: true, reconnectPeriod: 0, connectTimeout: 5000 })
      .catch(() => null);
    await c?.endAsync().catch(() => undefined);
  }
  if (retainedTopics.length) {
    const c = await mqtt
      .connectAsync(url, { clientId: `${prefix}-cleanup`, reconnectPeriod: 0 })
      .catch(() => null);
    if (c) {
      for (const t of retainedTopics) await c.publishAsync(t, '', { qos: 1, retain: true });
      await c.endAsync();
    }
  }
}

async function databaseUrl(name: string): Promise<{ url: string; drop(): Promise<void> }> {
  if (cfg.db === 'sqlite')
    return { url: `sqlite:${path.join(runDir, `${name}.db`)}`, drop: async () => {} };
  const pg = (await import('pg')).default;
  const dbName = `${prefix}_${name}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new pg.Client({ connectionString: cfg.pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const u = new URL(cfg.pgUrl);
  u.pathname = `/${dbName}`;
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: cfg.pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await c.end();
    },
  };
}

interface LoadgenStats {
  sent: number;
  skipped: number;
  publishing: boolean;
  stepSent: number;
  queuedBytes: number;
}

async function waitPublished(loadgen: Worker, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const s = await loadgen.rpc.call<LoadgenStats>('stats');
    if (!s.publishing && s.queuedBytes === 0) return;
    await sleep(200);
  }
}

// ── phases ──

async function runBaseline(loadgen: Worker, broker: number | null, brokerUrl: string) {
  const sub = await spawnWorker('bare-sub', 'bench/workers/bare-sub.ts', runDir);
  try {
    await sub.rpc.call('connect', { brokerUrl, prefix });
    const rates = [...cfg.steps, ...cfg.baselineExtraSteps];
    for (const offered of rates) {
      await loadgen.rpc.call('setRate', {
        rate: offered,
        maxMs: (cfg.warmupS + cfg.stepS + 5) * 1000,
      });
      await sleep(cfg.warmupS * 1000);
      const a = {
        lg: await loadgen.rpc.call<LoadgenStats>('stats'),
        sub: await sub.rpc.call<{ received: number }>('stats', { reset: true }),
        p: [procSample(loadgen.pid), procSample(sub.pid), broker ? procSample(broker) : null],
      };
      await sleep(cfg.stepS * 1000);
      const b = {
        lg: await loadgen.rpc.call<LoadgenStats>('stats'),
        sub: await sub.rpc.call<{ received: number; hist: [number, number][] }>('stats', {
          reset: true,
        }),
        p: [procSample(loadgen.pid), procSample(sub.pid), broker ? procSample(broker) : null],
      };
      await loadgen.rpc.call('setRate', { rate: 0 });
      const secs = (b.p[0]!.at - a.p[0]!.at) / 1000;
      const sent = (b.lg.sent - a.lg.sent) / secs;
      const delivered = (b.sub.received - a.sub.received) / secs;
      const step: BaselineStep = {
        offered,
        sent,
        delivered,
        latency: hist(b.sub.hist),
        loadgen: fig(a.p[0]!, b.p[0]!),
        subscriber: fig(a.p[1]!, b.p[1]!),
        broker: fig(a.p[2]!, b.p[2]!),
        loadgenSkipped: b.lg.skipped - a.lg.skipped,
        behind: delivered < 0.95 * sent,
      };
      results.baseline.push(step);
      log(
        `baseline ${offered}/s: sent ${sent.toFixed(0)}/s, delivered ${delivered.toFixed(0)}/s, p99 ${step.latency.p99} ms, loadgen ${step.loadgen.cpuPct?.toFixed(0)}% CPU, broker ${step.broker.cpuPct?.toFixed(0)}%`,
      );
      await sleep(1000);
      if (step.behind && offered >= cfg.steps[cfg.steps.length - 1]!) break;
    }
    await sub.rpc.call('close');
  } finally {
    await stopChild(sub.child);
  }
}

async function serverSteps(opts: {
  server: BenchServer;
  loadgen: Worker;
  consoles: Worker;
  core: Worker | null;
  broker: number | null;
  steps: number[];
  label: string;
}): Promise<ServerStep[]> {
  const out: ServerStep[] = [];
  const { server, loadgen, consoles, core, broker } = opts;
  const watcher = new RssWatcher();
  for (const offered of opts.steps) {
    await loadgen.rpc.call('setRate', {
      rate: offered,
      maxMs: (cfg.warmupS + cfg.stepS + 5) * 1000,
    });
    await sleep(cfg.warmupS * 1000);
    const pids = [server.pid, loadgen.pid, consoles.pid, core?.pid ?? 0, broker ?? 0];
    const snap = async () => ({
      m: await scrape(server.url),
      lg: await loadgen.rpc.call<LoadgenStats>('stats'),
      c: await consoles.rpc.call<{
        batches: number;
        screens: number;
        perConsoleMin: number;
        perConsoleMax: number;
        hist: [number, number][];
      }>('stats', { reset: true }),
      k: core
        ? await core.rpc.call<{ screens: number; hist: [number, number][] }>('stats', {
            reset: true,
          })
        : null,
      p: pids.map((pid) => (pid ? procSample(pid) : null)),
    });
    const a = await snap();
    watcher.start([server.pid]);
    await sleep(cfg.stepS * 1000);
    const b = await snap();
    watcher.stop();
    await loadgen.rpc.call('setRate', { rate: 0 });
    const secs = (b.p[0]!.at - a.p[0]!.at) / 1000;
    const d = (m: PromSnapshot, n: PromSnapshot, key: string) => value(n, key) - value(m, key);
    const ingested =
      (total(b.m, 'marquee_mqtt_messages_ingested_total') -
        total(a.m, 'marquee_mqtt_messages_ingested_total')) /
      secs;
    const sent = (b.lg.sent - a.lg.sent) / secs;
    const dbBatches = d(a.m, b.m, 'marquee_db_batch_rows_count');
    const dbRows = d(a.m, b.m, 'marquee_db_batch_rows_sum');
    const dbMs = d(a.m, b.m, 'marquee_db_batch_ms_sum');
    const lagN = d(a.m, b.m, 'marquee_fanout_lag_ms_count');
    const latency = hist(b.c.hist);
    const consoleScreensPerS = b.c.screens / secs / Math.max(1, cfg.consoles);
    const step: ServerStep = {
      offered,
      sent,
      ingested,
      rejected: labelDeltas(a.m, b.m, 'marquee_mqtt_messages_rejected_total'),
      dropped: labelDeltas(a.m, b.m, 'marquee_mqtt_messages_dropped_total'),
      consoleScreensPerS,
      consoleBatchesPerS: b.c.batches / secs / Math.max(1, cfg.consoles),
      consoleMinShare: b.c.perConsoleMax ? b.c.perConsoleMin / b.c.perConsoleMax : null,
      latency,
      coreLatency: hist(b.k?.hist ?? []),
      coreScreensPerS: (b.k?.screens ?? 0) / secs,
      server: { ...fig(a.p[0]!, b.p[0]!), peakRssMb: (watcher.peakKb.get(server.pid) ?? 0) / 1024 },
      loadgen: fig(a.p[1]!, b.p[1]!),
      consoles: fig(a.p[2]!, b.p[2]!),
      core: fig(a.p[3]!, b.p[3]!),
      broker: fig(a.p[4]!, b.p[4]!),
      db: {
        batches: dbBatches,
        rows: dbRows,
        avgRows: dbBatches ? dbRows / dbBatches : null,
        avgMs: dbBatches ? dbMs / dbBatches : null,
      },
      fanoutLagAvgMs: lagN ? d(a.m, b.m, 'marquee_fanout_lag_ms_sum') / lagN : null,
      pendingAtEnd: value(b.m, 'marquee_status_pending'),
      loadgenSkipped: b.lg.skipped - a.lg.skipped,
      behind: false,
      behindReason: null,
    };
    const reasons: string[] = [];
    if (ingested < 0.95 * sent)
      reasons.push(`ingested ${((100 * ingested) / sent).toFixed(0)}% of sent`);
    if ((latency.p99 ?? 0) > 1000) reasons.push(`console p99 ${latency.p99} ms`);
    if (latency.count === 0) reasons.push('consoles received nothing');
    step.behind = reasons.length > 0;
    step.behindReason = reasons.join('; ') || null;
    out.push(step);
    log(
      `${opts.label} ${offered}/s: sent ${sent.toFixed(0)}/s, ingested ${ingested.toFixed(0)}/s, console p50/p99/max ${latency.p50}/${latency.p99}/${latency.max} ms, server ${step.server.cpuPct?.toFixed(0)}% CPU ${step.server.rssMb?.toFixed(0)} MB, loadgen ${step.loadgen.cpuPct?.toFixed(0)}%, consoles ${step.consoles.cpuPct?.toFixed(0)}%, core ${step.core.cpuPct?.toFixed(0)}%, broker ${step.broker.cpuPct?.toFixed(0)}%${step.behind ? ` — BEHIND (${step.behindReason})` : ''}`,
    );
    // Let the backlog drain before the next step.
    await sleep(SETTLE_MS);
    if (step.behind) break;
  }
  return out;
}

/** Waits until the server counts `n` screens online; notes it when it does not get there. */
async function waitOnline(url: string, n: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let online = 0;
  while (Date.now() < deadline) {
    online = value(await scrape(url), 'marquee_screens_online');
    if (online >= n) return online;
    await sleep(500);
  }
  results.notes.push(
    `Only ${online} of ${n} screens were online at the server after the announce: \`online\` state messages (QoS 1) were lost between the broker and the server.`,
  );
  return online;
}

/** The console section before anything is measured (or when it could not be). */
function emptyConsoleResult(
  screens: number,
  error: string | null = null,
): NonNullable<RunResults['console']> {
  return {
    screens,
    offline: null,
    live: null,
    idleFrames: null,
    updateFrames: null,
    updateRate: cfg.frameRate,
    updateS: cfg.frameS,
    hostCpuPct: null,
    error,
  };
}

async function runConsoleBench(opts: {
  server: BenchServer;
  loadgen: Worker;
  consoleDir: string;
  rendererDir: string;
  screens: number;
}): Promise<void> {
  const c = emptyConsoleResult(opts.screens);
  results.console = c;
  const exe = chromiumPath();
  if (!exe) {
    c.error = 'no Chromium at /usr/bin/chromium (set MARQUEE_CHROMIUM)';
    return;
  }
  // "The right number" is what the cache holds: the screens it has as online.
  const expectOnline = (() => {
    const cache = new ConsoleCache(path.join(opts.consoleDir, 'console-cache.db'));
    const n = cache.screens().filter((sc) => sc.state === 'online' && !sc.retired).length;
    cache.close();
    return n;
  })();
  const browser = await BrowserBench.launch(exe);
  try {
    // 1. Offline: the same cache without a session token, so the core never connects.
    const offlineDir = path.join(runDir, 'console-offline');
    fs.mkdirSync(offlineDir, { recursive: true });
    fs.copyFileSync(
      path.join(opts.consoleDir, 'console-cache.db'),
      path.join(offlineDir, 'console-cache.db'),
    );
    // Signed in (token present) but the server address is a closed loopback port.
    fs.copyFileSync(
      path.join(opts.consoleDir, 'session-token'),
      path.join(offlineDir, 'session-token'),
    );
    {
      const copy = new ConsoleCache(path.join(offlineDir, 'console-cache.db'));
      copy.setMeta({ serverUrl: `http://127.0.0.1:${await freePort()}` });
      copy.close();
    }
    {
      const host = await spawnWorker('host-offline', 'bench/workers/console-host.ts', runDir);
      try {
        const h = await host.rpc.call<{ url: string; cached: number }>('start', {
          dataDir: offlineDir,
          rendererDir: opts.rendererDir,
        });
        const page = await browser.open(h.url, expectOnline);
        c.offline = page.paint;
        log(
          `console (server unreachable, ${h.cached} cached): first tile ${page.paint.firstTileMs?.toFixed(0)} ms, painted ${page.paint.paintedMs?.toFixed(0)} ms (online shows ${page.paint.onlineShown})`,
        );
        await page.close();
        await host.rpc.call('close');
      } finally {
        await stopChild(host.child);
      }
    }
    // 2. Live: the core's own cache and token, the server reachable; then frames under load.
    const host = await spawnWorker('host-live', 'bench/workers/console-host.ts', runDir);
    try {
      const h = await host.rpc.call<{ url: string; cached: number }>('start', {
        dataDir: opts.consoleDir,
        rendererDir: opts.rendererDir,
      });
      const page = await browser.open(h.url, expectOnline);
      c.live = page.paint;
      log(
        `console (server reachable, ${h.cached} cached): first tile ${page.paint.firstTileMs?.toFixed(0)} ms, painted ${page.paint.paintedMs?.toFixed(0)} ms`,
      );
      await sleep(SETTLE_MS);
      c.idleFrames = await BrowserBench.frames(page.page, Math.min(3, cfg.frameS / 2));
      log(
        `frames idle: p50 ${c.idleFrames.p50?.toFixed(1)} p99 ${c.idleFrames.p99?.toFixed(1)} ms`,
      );
      await opts.loadgen.rpc.call('setRate', {
        rate: cfg.frameRate,
        maxMs: (cfg.frameS + 10) * 1000,
      });
      await sleep(SETTLE_MS);
      const a = procSample(host.pid);
      c.updateFrames = await BrowserBench.frames(page.page, cfg.frameS);
      c.hostCpuPct = cpuPct(a, procSample(host.pid));
      await opts.loadgen.rpc.call('setRate', { rate: 0 });
      log(
        `frames at ${cfg.frameRate} msg/s: p50 ${c.updateFrames.p50?.toFixed(1)} p95 ${c.updateFrames.p95?.toFixed(1)} p99 ${c.updateFrames.p99?.toFixed(1)} max ${c.updateFrames.max?.toFixed(1)} ms, long tasks ${c.updateFrames.longTasks}`,
      );
      await page.close();
      await host.rpc.call('close');
    } finally {
      await stopChild(host.child);
    }
  } finally {
    await browser.close();
  }
}

async function runAgent(server: BenchServer, brokerUrl: string, agentId: string, password: string) {
  const a: NonNullable<RunResults['agent']> = {
    runner: '',
    seconds: cfg.agentS,
    intervalS: 10,
    maxRssMb: null,
    avgCpuPct: null,
    telemetrySeen: 0,
    error: null,
  };
  results.agent = a;
  const dir = path.join(runDir, 'agent');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'agent.json');
  fs.writeFileSync(
    file,
    JSON.stringify({
      screenId: agentId,
      broker: { url: brokerUrl, username: agentId, password },
      dataDir: dir,
      telemetryIntervalMs: 10_000,
      player: { type: 'simulated' },
    }),
  );
  const bundled = path.join(REPO_ROOT, 'dist/agent/marquee-agent.mjs');
  if (!fs.existsSync(bundled)) {
    // The footprint that matters is the bundle a screen controller runs, not tsx's.
    log('building the agent bundle (npm run build:agent)');
    try {
      execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build-agent.mjs')], {
        cwd: REPO_ROOT,
        stdio: 'ignore',
      });
    } catch (err) {
      log(`agent bundle build failed (${(err as Error).message}); measuring it under tsx`);
    }
  }
  const watch = await mqtt.connectAsync(brokerUrl, {
    clientId: `${prefix}-agentwatch`,
    reconnectPeriod: 0,
  });
  watch.on('message', () => a.telemetrySeen++);
  await watch.subscribeAsync(topics.telemetry(agentId), { qos: 0 });
  let child: ChildProcess;
  if (fs.existsSync(bundled)) {
    a.runner = 'node dist/agent/marquee-agent.mjs (npm run build:agent output)';
    const { spawn } = await import('node:child_process');
    const out = fs.openSync(path.join(runDir, 'agent.log'), 'a');
    child = spawn(process.execPath, [bundled, '--config', file], {
      cwd: REPO_ROOT,
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const started = child;
    process.on('exit', () => started.kill('SIGKILL'));
  } else {
    a.runner = 'node --import tsx device-agent/src/main.ts';
    child = spawnNode({
      file: 'device-agent/src/main.ts',
      args: ['--config', file],
      logFile: path.join(runDir, 'agent.log'),
    }).child;
  }
  try {
    const pid = child.pid!;
    let maxRss = 0;
    let first: ProcSample | null = null;
    let last: ProcSample | null = null;
    const settleMs = Math.min(10_000, (cfg.agentS * 1000) / 3);
    const started = Date.now();
    while (Date.now() - started < cfg.agentS * 1000) {
      await sleep(1000);
      if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}`);
      const s = procSample(pid);
      if (!s) continue;
      maxRss = Math.max(maxRss, s.rssKb);
      if (Date.now() - started >= settleMs) {
        first ??= s;
        last = s;
      }
    }
    a.maxRssMb = maxRss / 1024;
    a.avgCpuPct = cpuPct(first, last);
    log(
      `agent (${a.runner}): max RSS ${a.maxRssMb.toFixed(1)} MB, CPU ${a.avgCpuPct?.toFixed(2)}% over ${cfg.agentS} s, ${a.telemetrySeen} telemetry messages`,
    );
  } catch (err) {
    a.error = (err as Error).message;
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    await watch.endAsync();
  }
  void server;
}

async function runEmbedded(core: { token?: string }) {
  void core;
  const e: NonNullable<RunResults['embedded']> = {
    screens: cfg.embeddedScreens,
    connections: cfg.embeddedScreens,
    steps: [],
    error: null,
  };
  results.embedded = e;
  const db = await databaseUrl('embedded');
  let server: BenchServer | null = null;
  const workers: Worker[] = [];
  try {
    server = await startBenchServer({
      name: 'server-embedded',
      runDir,
      databaseUrl: db.url,
      mqttUrl: null,
      nodeId: `${prefix}-emb`,
      tickMs: cfg.tickMs,
    });
    const session = await login(server.url);
    const ids = Array.from({ length: cfg.embeddedScreens }, (_, i) => `${prefix}-e${i}`);
    const { credentials } = await provisionScreens(server.url, session.token, ids);
    const loadgen = await spawnWorker('loadgen-embedded', 'bench/workers/loadgen.ts', runDir);
    workers.push(loadgen);
    const brokerUrl = `mqtt://127.0.0.1:${server.mqttPort}`;
    await loadgen.rpc.call(
      'connect',
      {
        brokerUrl,
        screens: ids.map((id) => ({ id, username: id, password: credentials.get(id) })),
        clients: ids.length,
        clientIdPrefix: `${prefix}-elg`,
      },
      300_000,
    );
    await loadgen.rpc.call('announce', {}, 120_000);
    await waitOnline(server.url, ids.length, 60_000);
    const consoles = await spawnWorker('consoles-embedded', 'bench/workers/consoles.ts', runDir);
    workers.push(consoles);
    await consoles.rpc.call('connect', {
      url: server.url,
      token: session.token,
      count: cfg.consoles,
      prefix,
    });
    await sleep(1000);
    e.steps = await serverSteps({
      server,
      loadgen,
      consoles,
      core: null,
      broker: null,
      steps: cfg.embeddedSteps,
      label: 'embedded',
    });
    await consoles.rpc.call('close');
    await loadgen.rpc.call('close');
  } catch (err) {
    e.error = (err as Error).message.split('\n')[0]!;
    log(`embedded comparison failed: ${e.error}`);
  } finally {
    for (const w of workers) await stopChild(w.child);
    await server?.stop();
    await db.drop().catch(() => undefined);
  }
}

async function main(): Promise<void> {
  const hard = setTimeout(() => {
    console.error(`[bench] hard time limit of ${HARD_LIMIT_MS / 60_000} min reached; stopping`);
    void stopAll().finally(() => process.exit(3));
  }, HARD_LIMIT_MS);
  hard.unref();

  log(`run ${runId} (${cfg.mode}); scratch ${runDir}`);
  let brokerUrl = cfg.brokerUrl;
  let privatePid: number | null = null;
  if (cfg.privateBroker) {
    const b = await startPrivateBroker();
    brokerUrl = b.url;
    privatePid = b.spawned.pid;
    results.setup.brokerKind = `private Mosquitto ${results.machine.mosquitto} (set_tcp_nodelay true), started by the bench`;
  } else {
    results.setup.brokerKind = `the machine's Mosquitto ${results.machine.mosquitto} (/etc/mosquitto/mosquitto.conf: anonymous, no set_tcp_nodelay)`;
  }
  results.setup.brokerUrl = brokerUrl;
  await checkBroker(brokerUrl);
  const broker = brokerPid(privatePid);

  const rendererBuild = cfg.browser
    ? buildRenderer(path.join(runDir, 'renderer')).then(
        (d) => ({ dir: d, error: null as string | null }),
        (err: unknown) => ({ dir: '', error: (err as Error).message.split('\n')[0]! }),
      )
    : null;

  const db = await databaseUrl('main');
  const serverIds = [`${prefix}-main`];
  const agentId = `${prefix}-agent`;
  const ids = Array.from({ length: cfg.screens }, (_, i) => `${prefix}-s${i}`);
  let credentials = new Map<string, string>();
  const workers: Worker[] = [];
  let server: BenchServer | null = null;
  try {
    // ── 1. idle server, provisioning ──
    log('starting the server on an empty database (idle memory, provisioning)');
    const idle = await startBenchServer({
      name: 'server-idle',
      runDir,
      databaseUrl: db.url,
      mqttUrl: brokerUrl,
      nodeId: `${prefix}-main`,
      tickMs: cfg.tickMs,
    });
    await sleep(SETTLE_MS);
    const idleRssKb = procSample(idle.pid)!.rssKb;
    const session0 = await login(idle.url);
    const prov = await provisionScreens(idle.url, session0.token, [...ids, agentId]);
    credentials = prov.credentials;
    results.provisioning = { screens: ids.length + 1, ms: prov.ms };
    log(
      `provisioned ${ids.length + 1} screens in ${(prov.ms / 1000).toFixed(1)} s; idle RSS ${(idleRssKb / 1024).toFixed(0)} MB`,
    );
    await idle.stop();

    // ── 2. publishers, then the baseline without the server ──
    const loadgen = await spawnWorker('loadgen', 'bench/workers/loadgen.ts', runDir);
    workers.push(loadgen);
    const conn = await loadgen.rpc.call<{ connections: number }>(
      'connect',
      {
        brokerUrl,
        screens: ids.map((id) => ({ id })),
        clients: cfg.clients,
        clientIdPrefix: `${prefix}-lg`,
      },
      300_000,
    );
    results.setup.connections = conn.connections;
    results.setup.screensPerConnection = Math.ceil(ids.length / conn.connections);
    log(`load generator: ${conn.connections} MQTT connections for ${ids.length} screens`);
    await runBaseline(loadgen, broker, brokerUrl);

    // ── 3. the server with the fleet loaded ──
    log('starting the server with the fleet');
    server = await startBenchServer({
      name: 'server',
      runDir,
      databaseUrl: db.url,
      mqttUrl: brokerUrl,
      nodeId: `${prefix}-main`,
      tickMs: cfg.tickMs,
      profile: cfg.profile,
    });
    const session = await login(server.url);
    await loadgen.rpc.call('announce', {}, 300_000);
    await waitOnline(server.url, ids.length, 60_000);
    // One telemetry message per screen, so every screen holds a full live state.
    await loadgen.rpc.call('setRate', {
      rate: Math.min(5000, ids.length * 2),
      limit: ids.length,
      maxMs: 60_000,
    });
    await waitPublished(loadgen, 70_000);
    await sleep(SETTLE_MS);
    const m0 = await scrape(server.url);
    const loadedRssKb = procSample(server.pid)!.rssKb;
    results.memory = {
      idleRssMb: idleRssKb / 1024,
      loadedRssMb: loadedRssKb / 1024,
      screens: ids.length,
      perScreenKb: (loadedRssKb - idleRssKb) / ids.length,
    };
    log(
      `memory: idle ${(idleRssKb / 1024).toFixed(0)} MB, with ${ids.length} live screens ${(loadedRssKb / 1024).toFixed(0)} MB → ${results.memory.perScreenKb.toFixed(2)} KB/screen (online ${value(m0, 'marquee_screens_online')})`,
    );

    // ── 4. consoles: M socket.io connections and one full console core ──
    const consoleDir = path.join(runDir, 'console');
    fs.mkdirSync(consoleDir, { recursive: true });
    fs.writeFileSync(path.join(consoleDir, 'session-token'), session.token, { mode: 0o600 });
    const core = await spawnWorker('core', 'bench/workers/core-client.ts', runDir);
    workers.push(core);
    await core.rpc.call('start', {
      dataDir: consoleDir,
      serverUrl: server.url,
      user: session.user,
      prefix,
    });
    const consoles = await spawnWorker('consoles', 'bench/workers/consoles.ts', runDir);
    workers.push(consoles);
    await consoles.rpc.call('connect', {
      url: server.url,
      token: session.token,
      count: cfg.consoles,
      prefix,
    });
    for (let i = 0; i < 120; i++) {
      const s = await core.rpc.call<{ status: string; cached: number }>('status');
      if (s.status === 'live' && s.cached >= ids.length) break;
      await sleep(500);
    }
    log(`${cfg.consoles} consoles + 1 console core attached`);

    // ── 5. stepped load through the server ──
    results.server = await serverSteps({
      server,
      loadgen,
      consoles,
      core,
      broker,
      steps: cfg.steps,
      label: 'server',
    });
    await consoles.rpc.call('close');
    await stopChild(consoles.child);
    await core.rpc.call('close');
    await stopChild(core.child);

    // ── 6. the console in Chromium ──
    if (rendererBuild) {
      const r = await rendererBuild;
      if (r.error) {
        results.console = emptyConsoleResult(ids.length, `renderer build failed: ${r.error}`);
      } else {
        await runConsoleBench({
          server,
          loadgen,
          consoleDir,
          rendererDir: r.dir,
          screens: ids.length,
        }).catch((err: unknown) => {
          results.console ??= emptyConsoleResult(ids.length);
          results.console.error = (err as Error).message.split('\n')[0]!;
          log(`console benchmark failed: ${results.console.error}`);
        });
      }
    }
    await loadgen.rpc.call('close');
    await stopChild(loadgen.child);

    // ── 7. one real device agent ──
    if (cfg.agent) await runAgent(server, brokerUrl, agentId, credentials.get(agentId)!);
    serverIds.push(agentId);

    await server.stop();
    if (server.profileDir && fs.existsSync(server.profileDir)) {
      const file = fs.readdirSync(server.profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (file) {
        const full = path.join(server.profileDir, file);
        const keep = path.join(os.tmpdir(), 'marquee-bench-profiles');
        fs.mkdirSync(keep, { recursive: true });
        const dest = path.join(keep, `server-${runId}.cpuprofile`);
        fs.copyFileSync(full, dest);
        results.profile = { file: dest, top: summarizeProfile(full, 20) };
      }
    }
    server = null;

    // ── 8. embedded broker, small ──
    if (cfg.embedded) await runEmbedded({});
  } finally {
    for (const w of workers) await stopChild(w.child).catch(() => undefined);
    await server?.stop().catch(() => undefined);
    await stopAll();
    await cleanBroker(
      brokerUrl,
      [`marquee-server-${prefix}-main`, agentId],
      [topics.state(agentId)],
    ).catch(() => undefined);
    await db.drop().catch(() => undefined);
  }

  results.durationS = (Date.now() - t0) / 1000;
  results.setup.payloadBytes = 390;
  const outDir = cfg.outDir
    ? path.resolve(cfg.outDir)
    : cfg.mode === 'full'
      ? path.join(REPO_ROOT, 'bench')
      : path.join(os.tmpdir(), 'marquee-bench-short');
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'results.json'), JSON.stringify(results, null, 2));
  const written = writeReport(results, outDir);
  log(`wrote ${written.join(', ')}`);
  if (!cfg.keep) fs.rmSync(runDir, { recursive: true, force: true });
  else log(`scratch kept in ${runDir}`);
}

const onSignal = (sig: string) => {
  console.error(`[bench] ${sig}: stopping every child`);
  void stopAll().finally(() => process.exit(130));
};
process.on('SIGINT', () => onSignal('SIGINT'));
process.on('SIGTERM', () => onSignal('SIGTERM'));

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`[bench] failed: ${(err as Error).stack ?? String(err)}`);
    console.error(`[bench] logs in ${runDir}`);
    void stopAll().finally(() => process.exit(1));
  },
);
