/**
 * The agent's one MQTT connection: MQTT 5 with a persistent session (clean start off + session
 * expiry), a retained Last Will `lost` carrying the bootId with a Will Delay, `online` on every
 * connect, `offline` before a clean disconnect, and reconnects with backoff and jitter.
 *
 * mqtt.js's own reconnect uses one fixed period, so reconnects are driven here: the client runs
 * with reconnectPeriod 0 and `reconnect()` is called with the same stores, which keeps QoS 1
 * messages that were in flight when the link dropped (they are resent on reconnect).
 */
import { readFileSync } from 'node:fs';
import mqtt, { Store, type IClientOptions, type MqttClient, type IPublishPacket } from 'mqtt';
import { topics, type CommandType } from '../../../protocol';
import type { AgentConfig } from '../config';
import { errorText, type Logger } from '../log';
import type { Stamper } from '../stamp';
import { Backoff } from './backoff';
import { statePayload } from './state-payload';

/** CONNACK codes meaning "this broker does not speak the protocol version you asked for". */
const UNSUPPORTED_PROTOCOL = new Set([1, 0x84]);
const STOP_TIMEOUT_MS = 3_000;

export interface ConnectInfo {
  sessionPresent: boolean;
  protocolVersion: 4 | 5;
  first: boolean;
}

export interface SessionHandlers {
  /** Called after `online` was handed to the client; publish what waited for the link. */
  onConnect(info: ConnectInfo): void;
  onDisconnect(): void;
  onMessage(topic: string, payload: Buffer, packet: IPublishPacket): void;
}

export interface MqttSession {
  readonly connected: boolean;
  /** Resolves on the first successful connect. */
  readonly firstConnect: Promise<void>;
  publish(topic: string, payload: string, opts: { qos: 0 | 1; retain?: boolean }): Promise<void>;
  /** Publishes `offline` (if connected) and disconnects cleanly, so the Will is not sent. */
  stop(): Promise<void>;
  /** Drops the link without a DISCONNECT, as a crash would (tests, fleet chaos). */
  destroy(): void;
}

export function startSession(
  config: AgentConfig,
  stamper: Stamper,
  capabilities: readonly CommandType[],
  handlers: SessionHandlers,
  log: Logger,
): MqttSession {
  const { broker, screenId } = config;
  const incomingStore = new Store();
  const outgoingStore = new Store();
  const backoff = new Backoff(broker.reconnectMinMs, broker.reconnectMaxMs);
  let protocolVersion: 4 | 5 = broker.protocolVersion === 4 ? 4 : 5;
  let stopping = false;
  let everConnected = false;
  let reconnectTimer: NodeJS.Timeout | null = null;
  let resolveFirst!: () => void;
  const firstConnect = new Promise<void>((resolve) => (resolveFirst = resolve));

  /** Rebuilt before every connect: the Will carries a fresh stamp of this boot. */
  function connectOptions(): IClientOptions {
    const will: IClientOptions['will'] = {
      topic: topics.state(screenId),
      payload: Buffer.from(statePayload('lost', stamper, capabilities)),
      qos: 1,
      retain: true,
    };
    if (protocolVersion === 5) will.properties = { willDelayInterval: config.willDelayS };
    return {
      clientId: screenId,
      username: broker.username,
      password: broker.password,
      protocolVersion,
      clean: false,
      keepalive: broker.keepaliveS,
      connectTimeout: broker.connectTimeoutMs,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
      // mqtt-packet otherwise pre-builds 65,536 message-id buffers: ~10 MB of heap for nothing.
      writeCache: false,
      incomingStore,
      outgoingStore,
      will,
      ca: broker.caFile ? readFileSync(broker.caFile) : undefined,
      properties:
        protocolVersion === 5 ? { sessionExpiryInterval: broker.sessionExpiryS } : undefined,
    };
  }

  const client: MqttClient = mqtt.connect(broker.url, connectOptions());

  function scheduleReconnect(delayMs = backoff.next()) {
    if (stopping || reconnectTimer) return;
    log.info('reconnecting', { inMs: delayMs });
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      if (stopping) return;
      Object.assign(client.options, connectOptions());
      client.reconnect({ incomingStore, outgoingStore });
    }, delayMs);
  }

  client.on('connect', (connack) => {
    backoff.reset();
    const first = !everConnected;
    everConnected = true;
    const info: ConnectInfo = { sessionPresent: connack.sessionPresent, protocolVersion, first };
    client.publish(
      topics.state(screenId),
      statePayload('online', stamper, capabilities),
      { qos: 1, retain: true },
      (err) => {
        if (err) log.warn('online not acknowledged', { error: errorText(err) });
      },
    );
    // "connected" is logged once commands can arrive, i.e. after the SUBACK when subscribing.
    const ready = () => {
      log.info('connected', { ...info, broker: broker.url });
      if (first) resolveFirst();
      handlers.onConnect(info);
    };
    // Without a session on the broker there is no subscription either: make it again. On the
    // first connect of this process it is made anyway, in case the config changed.
    if (!first && connack.sessionPresent) {
      ready();
      return;
    }
    // Desired state on its own SUBSCRIBE: a broker whose ACL predates it refuses only that one
    // (mqtt.js fails a whole SUBSCRIBE when one topic is refused), and commands still arrive.
    client.subscribe(topics.desired(screenId), { qos: 1 }, (err) => {
      if (err) log.warn('subscribe to desired state refused', { error: errorText(err) });
    });
    client.subscribe(topics.commandWildcard(screenId), { qos: 1 }, (err, granted) => {
      const refused = granted?.some((g) => g.qos >= 128);
      if (err || refused) {
        // The link is up but commands cannot arrive (an ACL, most likely); say so loudly.
        log.error('subscribe to commands failed', { error: err ? errorText(err) : 'refused' });
      } else if (!first) {
        log.info('resubscribed (broker had no session)');
      }
      ready();
    });
  });

  client.on('error', (err) => {
    const code = (err as { code?: number }).code;
    if (
      broker.protocolVersion === 'auto' &&
      protocolVersion === 5 &&
      typeof code === 'number' &&
      UNSUPPORTED_PROTOCOL.has(code)
    ) {
      protocolVersion = 4;
      // Expected on the embedded broker (Aedes speaks 3.1.1): worth a line, not a warning.
      log.info('broker does not support MQTT 5; using 3.1.1 (no Will Delay, no session expiry)');
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      scheduleReconnect(0);
      return;
    }
    log.warn('mqtt error', { error: errorText(err), code });
  });

  client.on('close', () => {
    if (stopping) return;
    handlers.onDisconnect();
    if (everConnected) log.warn('disconnected');
    scheduleReconnect();
  });

  client.on('message', (topic, payload, packet) => handlers.onMessage(topic, payload, packet));

  return {
    get connected() {
      return client.connected;
    },
    firstConnect,
    publish(topic, payload, opts) {
      return new Promise((resolve, reject) => {
        client.publish(topic, payload, opts, (err) => (err ? reject(err) : resolve()));
      });
    },
    async stop() {
      stopping = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      reconnectTimer = null;
      if (!client.connected) {
        await client.endAsync(true);
        return;
      }
      const goodbye = new Promise<void>((resolve) => {
        client.publish(
          topics.state(screenId),
          statePayload('offline', stamper, capabilities),
          { qos: 1, retain: true },
          () => resolve(),
        );
      }).then(() => client.endAsync());
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
      });
      const outcome = await Promise.race([goodbye, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        log.warn('broker did not acknowledge offline in time; closing anyway');
        await client.endAsync(true);
      }
    },
    destroy() {
      stopping = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      client.stream?.destroy();
      client.end(true);
    },
  };
}
