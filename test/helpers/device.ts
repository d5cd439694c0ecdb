/** A bare MQTT device (mqtt.js) for server tests that need exact control over payloads. */
import mqtt, { type MqttClient } from 'mqtt';
import { topics, type StatePayload, type TelemetryPayload } from '../../protocol';

export interface FakeDevice {
  client: MqttClient;
  bootId: string;
  seq(): number;
  publishState(state: StatePayload['state'], extra?: Partial<StatePayload>): Promise<void>;
  publishTelemetry(extra?: Partial<TelemetryPayload>): Promise<void>;
  publishRaw(topic: string, payload: string | Buffer, qos?: 0 | 1): Promise<void>;
  end(): Promise<void>;
}

export function telemetry(
  bootId: string,
  seq: number,
  extra: Partial<TelemetryPayload> = {},
): TelemetryPayload {
  return {
    ts: Date.now(),
    bootId,
    seq,
    cpu: { load1: 0.3, usagePct: 12 },
    memory: { usedPct: 40, totalMb: 4096 },
    disk: { usedPct: 55, totalGb: 64 },
    temperatureC: 48.5,
    uptimeS: 1200,
    display: { power: 'on', brightness: 80 },
    content: {
      creativeId: 'cr-1',
      campaignId: 'cmp-1',
      title: 'Summer Sale',
      since: Date.now() - 5000,
    },
    network: { iface: 'eth0', ip: '10.0.0.2' },
    ...extra,
  };
}

export async function connectDevice(
  mqttUrl: string,
  screenId: string,
  password: string,
  opts: {
    bootId?: string;
    will?: boolean;
    username?: string;
    clean?: boolean;
    capabilities?: StatePayload['capabilities'];
  } = {},
): Promise<FakeDevice> {
  const bootId = opts.bootId ?? `boot-${Math.random().toString(36).slice(2, 10)}`;
  let seq = 0;
  const statePayload = (
    state: StatePayload['state'],
    extra: Partial<StatePayload> = {},
  ): StatePayload => ({
    ts: Date.now(),
    bootId,
    seq: seq++,
    state,
    agentVersion: '0.1.0-test',
    capabilities: opts.capabilities ?? ['reboot', 'setBrightness'],
    ...extra,
  });
  const client = await mqtt.connectAsync(mqttUrl, {
    clientId: screenId,
    username: opts.username ?? screenId,
    password,
    protocolVersion: 4,
    reconnectPeriod: 0,
    clean: opts.clean ?? true,
    will:
      opts.will === false
        ? undefined
        : {
            topic: topics.state(screenId),
            payload: Buffer.from(JSON.stringify(statePayload('lost'))),
            qos: 1,
            retain: true,
          },
  });
  return {
    client,
    bootId,
    seq: () => seq,
    publishState: async (state, extra) => {
      await client.publishAsync(
        topics.state(screenId),
        JSON.stringify(statePayload(state, extra)),
        { qos: 1, retain: true },
      );
    },
    publishTelemetry: async (extra) => {
      await client.publishAsync(
        topics.telemetry(screenId),
        JSON.stringify(telemetry(bootId, seq++, extra)),
        { qos: 0 },
      );
    },
    publishRaw: async (topic, payload, qos = 1) => {
      await client.publishAsync(topic, payload, { qos });
    },
    end: async () => {
      await client.endAsync(true);
    },
  };
}
