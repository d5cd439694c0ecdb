/**
 * A test's own MQTT client: records every message on the topics it watches and waits for the
 * ones a test expects. Waits are bounded only to fail a broken test, never to measure speed.
 */
import mqtt, { type MqttClient } from 'mqtt';

export interface Seen {
  topic: string;
  json: unknown;
  retain: boolean;
}

export interface Observer {
  client: MqttClient;
  seen: Seen[];
  waitFor(predicate: (m: Seen) => boolean, what: string, timeoutMs?: number): Promise<Seen>;
  publish(
    topic: string,
    payload: string | Buffer,
    opts?: { qos?: 0 | 1; retain?: boolean },
  ): Promise<void>;
  /** Clears retained messages a test left on the shared broker. */
  clearRetained(topics: string[]): Promise<void>;
  close(): Promise<void>;
}

export async function observe(url: string, subscriptions: string[]): Promise<Observer> {
  const client = await mqtt.connectAsync(url, {
    clientId: `obs-${Math.random().toString(16).slice(2)}`,
    reconnectPeriod: 0,
  });
  const seen: Seen[] = [];
  const waiters = new Set<{ predicate: (m: Seen) => boolean; resolve: (m: Seen) => void }>();
  client.on('message', (topic, payload, packet) => {
    let json: unknown = payload.toString();
    try {
      json = JSON.parse(payload.toString());
    } catch {
      // Keep the raw text; some tests look at malformed payloads.
    }
    const m: Seen = { topic, json, retain: packet.retain };
    seen.push(m);
    for (const w of waiters) {
      if (w.predicate(m)) {
        waiters.delete(w);
        w.resolve(m);
      }
    }
  });
  if (subscriptions.length > 0) await client.subscribeAsync(subscriptions, { qos: 1 });
  return {
    client,
    seen,
    waitFor(predicate, what, timeoutMs = 15_000) {
      const already = seen.find(predicate);
      if (already) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const w = {
          predicate,
          resolve: (m: Seen) => {
            clearTimeout(timer);
            resolve(m);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`never saw ${what}`));
        }, timeoutMs);
        waiters.add(w);
      });
    },
    async publish(topic, payload, opts = {}) {
      await client.publishAsync(topic, payload, {
        qos: opts.qos ?? 1,
        retain: opts.retain ?? false,
      });
    },
    async clearRetained(topics) {
      for (const t of topics) await client.publishAsync(t, '', { qos: 1, retain: true });
    },
    async close() {
      await client.endAsync();
    },
  };
}
