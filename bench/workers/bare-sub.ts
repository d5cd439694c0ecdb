/**
 * The baseline: one bare mqtt.js subscriber on the telemetry wildcard, no server. It counts
 * what the broker delivers and the latency from the publisher's `ts` (read from the payload's
 * first field without a full parse).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { Histogram } from '../lib/histogram';
import { serveRpc } from '../lib/ipc';

const hist = new Histogram();
let received = 0;
let client: MqttClient | null = null;

serveRpc({
  connect: async ({ brokerUrl, prefix }: { brokerUrl: string; prefix: string }) => {
    const marker = `/screens/${prefix}`;
    client = await mqtt.connectAsync(brokerUrl, {
      clientId: `${prefix}-bare-sub`,
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
    });
    client.on('message', (topic, payload) => {
      if (!topic.includes(marker)) return; // the broker is shared with other runs
      received++;
      // payload starts with {"ts":<digits>
      let ts = 0;
      for (let i = 6; i < 24; i++) {
        const c = payload[i]!;
        if (c < 48 || c > 57) break;
        ts = ts * 10 + (c - 48);
      }
      if (ts) hist.add(Date.now() - ts);
    });
    await client.subscribeAsync('marquee/v1/screens/+/telemetry', { qos: 0 });
    return null;
  },
  stats: ({ reset }: { reset?: boolean }) => {
    const out = { received, hist: hist.toPairs() };
    if (reset) hist.reset();
    return out;
  },
  close: async () => {
    await client?.endAsync(true);
    client = null;
    return null;
  },
});
