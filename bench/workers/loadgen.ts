/**
 * Load generator: many mqtt.js connections, each publishing real TelemetryPayload JSON for
 * several screens, at an aggregate rate set by the orchestrator. Against anonymous Mosquitto
 * a connection may speak for several screen ids; against the embedded broker (device auth)
 * every screen has its own connection and credentials.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../../protocol';
import { serveRpc } from '../lib/ipc';

interface ScreenSpec {
  id: string;
  username?: string;
  password?: string;
}

interface Sim {
  id: string;
  topic: string;
  bootId: string;
  seq: number;
  client: MqttClient;
}

let sims: Sim[] = [];
let clients: MqttClient[] = [];
let cursor = 0;
let timer: NodeJS.Timeout | null = null;
let sent = 0;
let skipped = 0;
let stepStart = 0;
let stepRate = 0;
let stepLimit = Infinity;
let stepSent = 0;
let deadline: NodeJS.Timeout | null = null;

const rand = (min: number, max: number) =>
  Math.round((min + Math.random() * (max - min)) * 10) / 10;

/** ~390 bytes of real telemetry; `ts` first so a bare subscriber can read it without parsing. */
function payload(s: Sim): string {
  const now = Date.now();
  return (
    `{"ts":${now},"bootId":"${s.bootId}","seq":${s.seq++},` +
    `"cpu":{"load1":${rand(0.1, 2)},"usagePct":${rand(3, 60)}},` +
    `"memory":{"usedPct":${rand(30, 70)},"totalMb":4096},"disk":{"usedPct":55.2,"totalGb":64},` +
    `"temperatureC":${rand(35, 62)},"uptimeS":${Math.floor(now / 1000) % 864000},` +
    `"display":{"power":"on","brightness":80},` +
    `"content":{"creativeId":"cr-1042","campaignId":"cmp-77","title":"Summer Sale - Downtown","since":${now - 5000}},` +
    `"network":{"iface":"eth0","ip":"10.20.30.40","rxBytes":${sent * 400},"txBytes":${sent * 380}}}`
  );
}

function publishDue(): void {
  const elapsed = performance.now() - stepStart;
  let due = Math.floor((stepRate * elapsed) / 1000) - stepSent;
  // Never burst more than 100 ms of backlog: a generator that fell behind says so.
  const cap = Math.max(1, Math.ceil(stepRate / 10));
  if (due > cap) {
    skipped += due - cap;
    stepSent += due - cap;
    due = cap;
  }
  for (let i = 0; i < due && stepSent < stepLimit; i++) {
    const s = sims[cursor]!;
    cursor = (cursor + 1) % sims.length;
    s.client.publish(s.topic, payload(s), { qos: 0 });
    sent++;
    stepSent++;
  }
  if (stepSent >= stepLimit) stopPublishing();
}

function stopPublishing(): void {
  if (timer) clearInterval(timer);
  timer = null;
}

async function connectAll(opts: {
  brokerUrl: string;
  screens: ScreenSpec[];
  clients: number;
  clientIdPrefix: string;
}): Promise<{ connections: number; screens: number }> {
  const perScreen = opts.screens.some((s) => s.password);
  const n = perScreen ? opts.screens.length : Math.min(opts.clients, opts.screens.length);
  const made: MqttClient[] = new Array<MqttClient>(n);
  const BATCH = 100;
  for (let i = 0; i < n; i += BATCH) {
    await Promise.all(
      Array.from({ length: Math.min(BATCH, n - i) }, async (_, j) => {
        const k = i + j;
        const spec = opts.screens[k]!;
        made[k] = await mqtt.connectAsync(opts.brokerUrl, {
          clientId: perScreen ? spec.id : `${opts.clientIdPrefix}-${k}`,
          username: perScreen ? (spec.username ?? spec.id) : undefined,
          password: perScreen ? spec.password : undefined,
          protocolVersion: 4,
          clean: true,
          reconnectPeriod: 0,
          keepalive: 60,
          connectTimeout: 20_000,
        });
      }),
    );
  }
  clients = made;
  sims = opts.screens.map((s, i) => ({
    id: s.id,
    topic: topics.telemetry(s.id),
    bootId: `bench-${Math.random().toString(36).slice(2, 10)}`,
    seq: 0,
    client: made[i % n]!,
  }));
  return { connections: n, screens: sims.length };
}

serveRpc({
  connect: connectAll,

  /** Every screen goes online (QoS 1, not retained: the bench leaves nothing on the broker). */
  announce: async () => {
    // Paced at ~2,000/s: the server subscribes at QoS 1 and a default Mosquitto drops what
    // exceeds its per-client queue (max_queued_messages 1000) when a burst outruns the server.
    const BATCH = 200;
    for (let i = 0; i < sims.length; i += BATCH) {
      if (i) await new Promise((r) => setTimeout(r, 100));
      await Promise.all(
        sims.slice(i, i + BATCH).map((s) =>
          s.client.publishAsync(
            topics.state(s.id),
            JSON.stringify({
              ts: Date.now(),
              bootId: s.bootId,
              seq: s.seq++,
              state: 'online',
              agentVersion: '0.1.0-bench',
              capabilities: ['reboot', 'setBrightness', 'setPower', 'refreshContent'],
            }),
            { qos: 1, retain: false },
          ),
        ),
      );
    }
    return { announced: sims.length };
  },

  /** Publishes at `rate` msg/s until `limit` messages or `maxMs` (always bounded). */
  setRate: ({ rate, limit, maxMs }: { rate: number; limit?: number; maxMs?: number }) => {
    stopPublishing();
    stepRate = rate;
    stepLimit = limit ?? Infinity;
    stepSent = 0;
    stepStart = performance.now();
    if (rate <= 0) return { rate: 0 };
    timer = setInterval(publishDue, 5);
    if (deadline) clearTimeout(deadline);
    deadline = setTimeout(stopPublishing, maxMs ?? 20 * 60_000);
    deadline.unref();
    return { rate };
  },

  stats: () => {
    let queuedBytes = 0;
    for (const c of clients) queuedBytes += c.stream?.writableLength ?? 0;
    return { sent, skipped, publishing: timer !== null, stepSent, queuedBytes };
  },

  close: async () => {
    stopPublishing();
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    clients = [];
    return null;
  },
});
