/**
 * The server's own MQTT client: subscribes to everything agents publish and publishes
 * commands. It keeps a persistent session under a fixed client id per node, so events and
 * command results published while the server restarts wait in the broker instead of being lost.
 *
 * Acknowledge what is stored: for a QoS 1 message whose handler returns a promise (an event, a
 * command result), the PUBACK is sent only when that promise resolves, i.e. once the fact is
 * in the database. Until then the broker keeps the message; if the link or the node goes down
 * first, the broker delivers it again to the next session. The handler retries a failing write
 * itself (db/retry-write.ts) rather than this link dropping and re-establishing the connection:
 * a reconnect would stall state and telemetry of the whole fleet for a blip that concerns
 * only a few writes, and the broker would redeliver the same messages into the same outage.
 *
 * mqtt.js sends a PUBACK when `handleMessage`'s callback is called, and handles the next packet
 * only after that, so holding the callback would stall every message behind one slow write.
 * Instead the callback is called at once with a marker error (mqtt.js then goes on to the next
 * packet without a PUBACK) and the PUBACK is written later for that packet id. PUBACKs may so
 * leave in another order than their PUBLISHes: MQTT 3.1.1 §4.6 asks for receipt order, but
 * brokers match a PUBACK by packet id (Mosquitto, Aedes: covered by server/test/event-ack.test.ts),
 * and in-order acks would let one event waiting on the database hold back every later state
 * message (a screen's `lost`) at the broker's in-flight limit.
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
  /** One message; a promise returned for a QoS 1 message holds its PUBACK until it resolves. */
  onMessage(topic: string, payload: Buffer): void | Promise<unknown>;
  /** The link is back after a loss (not called for the first connect). */
  onReconnect?(): void;
}): Promise<MqttLink> {
  const client = await mqtt.connectAsync(opts.url, {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    // mqtt.js's default 60 s would take ~90 s to notice a half-open link to the broker (its
    // host lost, a cable pulled), with the whole fleet's state frozen meanwhile.
    keepalive: 10,
  });
  holdAcksUntilStored(client, opts.onMessage, opts.log);
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
    opts.onReconnect?.();
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

/** Passed to mqtt.js's callback: go on with the next packet, the PUBACK is sent later. */
const ACK_HELD = new Error('PUBACK held until the message is stored');

type PacketSender = { _sendPacket(packet: object, cb?: () => void): void };

function holdAcksUntilStored(
  client: MqttClient,
  onMessage: (topic: string, payload: Buffer) => void | Promise<unknown>,
  log: Logger,
): void {
  // A PUBACK belongs to the connection its PUBLISH came on: after a reconnect the broker
  // redelivers unacknowledged messages under new packet ids, and an old id could ack another.
  let connection = 0;
  client.on('close', () => (connection += 1));
  client.handleMessage = (packet, callback) => {
    const work = onMessage(packet.topic, packet.payload as Buffer);
    if (packet.qos !== 1 || !work || packet.messageId === undefined) return callback();
    const { messageId } = packet;
    const receivedOn = connection;
    work.then(
      () => {
        if (receivedOn !== connection || !client.connected) return;
        (client as unknown as PacketSender)._sendPacket({ cmd: 'puback', messageId }, () => {});
      },
      (err: unknown) =>
        log.warn(
          { err, topic: packet.topic },
          'message not stored; left unacknowledged for the broker to deliver again',
        ),
    );
    callback(ACK_HELD);
  };
}
