/**
 * The server's own MQTT client: subscribes to everything agents publish and publishes
 * commands. It keeps a persistent session under a fixed client id per node, so events and
 * command results published while the server restarts wait in the broker instead of being lost.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../../../protocol';
import type { Logger } from '../log';

export interface MqttLink {
  client: MqttClient;
  connected(): boolean;
  publish(topic: string, payload: unknown, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function connectMqttLink(opts: {
  url: string;
  clientId: string;
  username?: string;
  password?: string;
  log: Logger;
  onMessage(topic: string, payload: Buffer): void;
}): Promise<MqttLink> {
  const client = await mqtt.connectAsync(opts.url, {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  client.on('message', (topic, payload) => opts.onMessage(topic, payload));
  client.on('error', (err) => opts.log.warn({ err: err.message }, 'mqtt link error'));
  client.on('offline', () => opts.log.warn('mqtt link offline; reconnecting'));
  const subscribe = async () => {
    await client.subscribeAsync(
      topics.serverSubscriptions.map((t) => t),
      { qos: 1 },
    );
  };
  await subscribe();
  // A broker that lost our session (restarted without persistence) forgets subscriptions.
  client.on('connect', (connack) => {
    if (!connack.sessionPresent) {
      subscribe().catch((err: unknown) => opts.log.error({ err }, 'mqtt resubscribe failed'));
    }
  });
  return {
    client,
    connected: () => client.connected,
    publish: async (topic, payload, o) => {
      await client.publishAsync(topic, JSON.stringify(payload), {
        qos: o.qos,
        retain: o.retain ?? false,
      });
    },
    close: async () => {
      await client.endAsync();
    },
  };
}
