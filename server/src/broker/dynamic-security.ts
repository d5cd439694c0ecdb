/**
 * Live device provisioning on Mosquitto through its dynamic security plugin
 * (`$CONTROL/dynamic-security/v1`), enabled with MQTT_DYNSEC=1. The server's MQTT login
 * (MQTT_URL) must be a dynsec client allowed on the control topic — `mosquitto_ctrl dynsec
 * init FILE USER PASSWORD` creates one (resources/mosquitto/marquee-dynsec.conf).
 *
 * Each screen is one dynsec client: username = client id = its screen id (so no device can log
 * in under another's client id or the server's), with one role of its own that allows exactly
 * what the embedded broker allows: publish its own state, telemetry, events and command
 * results; subscribe to its own `cmd/+`. Issuing credentials (create, rotate) replaces the
 * client — `deleteClient` kicks a live session, `setClientPassword` would not — and retiring
 * deletes it, so both end the device's session at once, on every node.
 */
import { randomUUID } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import { TOPIC_ROOT } from '../../../protocol';
import type { Logger } from '../log';
import type { DeviceSessions } from './device-sessions';

const CONTROL_TOPIC = '$CONTROL/dynamic-security/v1';
const RESPONSE_TOPIC = `${CONTROL_TOPIC}/response`;
const TIMEOUT_MS = 5000;
/** The roles of the server's own login. */
export const SERVER_ROLE = 'marquee-server';
export const CONTROL_ROLE = 'marquee-dynsec-admin';
export const deviceRole = (screenId: string) => `marquee-screen-${screenId}`;

type Command = Record<string, unknown> & { command: string };
interface Response {
  command: string;
  error?: string;
  correlationData?: string;
  data?: unknown;
}

/** The server's own login: every screen topic (commands out, everything agents send in). */
export const SERVER_ACLS = [
  { acltype: 'publishClientSend', topic: `${TOPIC_ROOT}/#`, allow: true },
  { acltype: 'publishClientReceive', topic: `${TOPIC_ROOT}/#`, allow: true },
  { acltype: 'subscribePattern', topic: `${TOPIC_ROOT}/#`, allow: true },
];

/** What the plugin's admin needs on its control topic. */
export const CONTROL_ACLS = [
  { acltype: 'publishClientSend', topic: '$CONTROL/dynamic-security/#', allow: true },
  { acltype: 'publishClientReceive', topic: '$CONTROL/dynamic-security/#', allow: true },
  { acltype: 'subscribePattern', topic: '$CONTROL/dynamic-security/#', allow: true },
];

export function deviceAcls(screenId: string) {
  const own = `${TOPIC_ROOT}/${screenId}`;
  return [
    ...['state', 'telemetry', 'events', 'cmd/+/result'].map((suffix) => ({
      acltype: 'publishClientSend',
      topic: `${own}/${suffix}`,
      allow: true,
    })),
    { acltype: 'subscribeLiteral', topic: `${own}/cmd/+`, allow: true },
    desiredAcl(screenId),
  ];
}

/** Its retained desired state (server/src/desired-state/). */
const desiredAcl = (screenId: string) => ({
  acltype: 'subscribeLiteral',
  topic: `${TOPIC_ROOT}/${screenId}/desired`,
  allow: true,
});

export interface DynamicSecurity extends DeviceSessions {
  close(): Promise<void>;
}

export async function connectDynamicSecurity(opts: {
  url: string;
  username: string;
  password: string;
  clientId: string;
  log: Logger;
}): Promise<DynamicSecurity> {
  const client: MqttClient = await mqtt.connectAsync(opts.url, {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    protocolVersion: 5,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
  });
  const waiting = new Map<string, (r: Response) => void>();
  client.on('message', (_topic, payload) => {
    let responses: Response[] = [];
    try {
      responses = (JSON.parse(payload.toString()) as { responses?: Response[] }).responses ?? [];
    } catch {
      return;
    }
    for (const r of responses) {
      const done = r.correlationData && waiting.get(r.correlationData);
      if (done) done(r);
    }
  });
  client.on('error', (err) => opts.log.warn({ err: err.message }, 'dynsec link error'));
  const subscribe = () => client.subscribeAsync(RESPONSE_TOPIC, { qos: 1 });
  await subscribe();
  client.on('connect', (connack) => {
    if (!connack.sessionPresent)
      subscribe().catch((err: unknown) => opts.log.error({ err }, 'dynsec resubscribe failed'));
  });

  /**
   * Sends the commands in one message (the plugin runs them in order) and awaits each answer.
   * An error matching a command's `tolerate` is an expected outcome ("not found" when
   * deleting what is not there); any other error fails the call.
   */
  async function run(commands: (Command & { tolerate?: RegExp })[]): Promise<void> {
    const timers: NodeJS.Timeout[] = [];
    const tagged = commands.map(({ tolerate, ...c }) => ({
      command: { ...c, correlationData: randomUUID() },
      tolerate,
    }));
    const answers = Promise.all(
      tagged.map(
        ({ command }) =>
          new Promise<Response>((resolve, reject) => {
            const id = command.correlationData;
            timers.push(
              setTimeout(() => {
                waiting.delete(id);
                reject(
                  new Error(
                    `the broker did not answer "${command.command}" within ${TIMEOUT_MS} ms`,
                  ),
                );
              }, TIMEOUT_MS),
            );
            waiting.set(id, (r) => {
              waiting.delete(id);
              resolve(r);
            });
          }),
      ),
    );
    answers.catch(() => undefined); // awaited below; never left unhandled if publish fails
    try {
      const sent = client.publishAsync(
        CONTROL_TOPIC,
        JSON.stringify({ commands: tagged.map((t) => t.command) }),
        { qos: 1 },
      );
      // While the broker is unreachable mqtt.js holds the publish until it reconnects: the
      // answer timeout, not the publish, bounds how long the caller waits.
      sent.catch(() => undefined);
      const [, responses] = await Promise.all([sent, answers]);
      const failed = responses.filter(
        (r, i) => r.error && !(tagged[i]!.tolerate?.test(r.error) ?? false),
      );
      if (failed.length)
        throw new Error(failed.map((r) => `${r.command}: ${r.error ?? ''}`).join('; '));
    } finally {
      for (const t of timers) clearTimeout(t);
      for (const t of tagged) waiting.delete(t.command.correlationData);
    }
  }

  // Fails the start with a sentence when the plugin is not there or the login is not its admin.
  // (The server never changes its own login's roles: the plugin kicks a client whose roles
  // change, and 2.0.11 then drops the answer. `npm run mosquitto:auth -- --dynsec` writes the
  // initial file with the server's role; see resources/mosquitto/marquee-dynsec.conf.)
  try {
    await run([{ command: 'listRoles', count: 1 }]);
  } catch (err) {
    await client.endAsync(true);
    throw new Error(
      `MQTT_DYNSEC=1: ${(err as Error).message} on ${CONTROL_TOPIC}. Is Mosquitto's dynamic security plugin loaded, and MQTT_URL's user its admin?`,
    );
  }

  return {
    credentialsIssued: async (screenId, password) => {
      await run([
        // Kicks the session that logged in with the previous password, if any.
        { command: 'deleteClient', username: screenId, tolerate: /not found/i },
        {
          command: 'createRole',
          rolename: deviceRole(screenId),
          acls: deviceAcls(screenId),
          tolerate: /already exists/i,
        },
        // A role made before desired state (issue 13) lacks this ACL; a new role has it already.
        {
          command: 'addRoleACL',
          rolename: deviceRole(screenId),
          ...desiredAcl(screenId),
          tolerate: /already exists/i,
        },
        {
          command: 'createClient',
          username: screenId,
          password,
          clientid: screenId,
          roles: [{ rolename: deviceRole(screenId) }],
        },
      ]);
      opts.log.info({ screenId }, 'dynamic security: device credentials issued');
    },
    retired: async (screenId) => {
      await run([
        { command: 'deleteClient', username: screenId, tolerate: /not found/i },
        { command: 'deleteRole', rolename: deviceRole(screenId), tolerate: /not found/i },
      ]);
      opts.log.info({ screenId }, 'dynamic security: device removed');
    },
    close: async () => {
      // Forced: a control message still waiting for an unreachable broker must not hold it.
      await client.endAsync(true);
    },
  };
}
