/**
 * The embedded MQTT broker (Aedes) for one machine and small fleets. It authenticates every
 * device with its own credentials and confines it to its own topics: publish only under
 * `screens/{its id}/…` (state, telemetry, events, command results), subscribe only to its own
 * `cmd/…`. The server's own client logs in with a per-process service secret.
 *
 * Before Aedes sees a connection, `ConnectionGuard` caps packet sizes (before and after
 * login), how many connections may wait to log in and for how long. A device's client id is
 * its username (its screen id), and identities starting with `marquee-server` belong to the
 * server alone, so no device can take over another's session or the server's.
 */
import net from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import {
  MAX_PAYLOAD_BYTES,
  RESERVED_ID_PREFIX,
  TOPIC_ROOT,
  isReservedScreenId,
  parseTopic,
  topics,
} from '../../../protocol';
import { newSecret } from '../auth/tokens';
import type { Logger } from '../log';
import {
  ConnectionGuard,
  DEFAULT_CONNECTION_LIMITS,
  type ConnectionLimits,
  type GuardedConnection,
} from './connection-guard';
import type { DeviceSessions } from './device-sessions';

export const SERVICE_USERNAME = RESERVED_ID_PREFIX;

/**
 * Where a refused oversized publish goes: nowhere. MQTT 3.1.1 cannot refuse a PUBLISH except
 * by closing the connection (MQTT-3.3.5-2); like Mosquitto's `message_size_limit`, the broker
 * completes the QoS flow and drops the message, so an agent does not retry it forever. No
 * client can subscribe here (devices only to their own `cmd/…`, the server to screen topics).
 */
const DROPPED_TOPIC = '$marquee/dropped';

export interface EmbeddedBroker extends DeviceSessions {
  port: number;
  url: string;
  serviceCredentials: { username: string; password: string };
  connectedDevices(): number;
  /** Connections accepted and not yet logged in. */
  unauthenticatedConnections(): number;
  close(): Promise<void>;
}

type ClientWithIdentity = { id: string; marquee?: { service: true } | { screenId: string } };
type ConnWithGuard = { marqueeGuard?: GuardedConnection };

function guardOf(client: Client): GuardedConnection | undefined {
  return (client.conn as unknown as ConnWithGuard).marqueeGuard;
}

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export async function startEmbeddedBroker(opts: {
  port: number;
  host?: string;
  verifyDevice(username: string, password: string): Promise<boolean>;
  log: Logger;
  /** Told of every device publish the broker drops (e.g. for the rejected-messages metric). */
  onRefused?(reason: 'too_large'): void;
  limits?: Partial<ConnectionLimits>;
}): Promise<EmbeddedBroker> {
  const servicePassword = newSecret();
  const limits = { ...DEFAULT_CONNECTION_LIMITS, ...opts.limits };
  let devices = 0;
  /**
   * Orders logins and session ends (one counter; JavaScript runs them one at a time): a login
   * whose credential check began before the server ended that screen's sessions (rotate,
   * retire — always after the database change) may have read the old credentials.
   */
  let loginOrder = 0;
  const sessionsEndedAt = new Map<string, number>();
  const broker = await Aedes.createBroker({
    // Aedes' own timer only waits for the CONNECT; the guard's covers the whole login.
    connectTimeout: limits.loginTimeoutMs,
    authenticate: (client, username, password, done) => {
      const c = client as unknown as ClientWithIdentity;
      const pass = password?.toString('utf8') ?? '';
      const accept = (identity: NonNullable<ClientWithIdentity['marquee']>) => {
        c.marquee = identity;
        guardOf(client)?.authenticated();
        done(null, true);
      };
      if (username === SERVICE_USERNAME) {
        // The server's client ids are `marquee-server-<node>`: a prefix no screen may use.
        if (pass === servicePassword && client.id.startsWith(RESERVED_ID_PREFIX))
          return accept({ service: true });
        return done(authError('bad service credentials', 4), false);
      }
      // A device logs in as its screen id and must use it as its client id too, so that
      // no device can take over another one's persistent session, and no screen may carry
      // one of the server's identities (registration refuses them; rows from before that
      // rule are refused here).
      if (!username || username !== client.id) {
        return done(authError('client id must equal the username (the screen id)', 2), false);
      }
      if (isReservedScreenId(username)) {
        opts.log.warn({ screenId: username }, 'device login with a reserved id refused');
        return done(authError('this id is reserved for the server', 2), false);
      }
      const started = ++loginOrder;
      opts.verifyDevice(username, pass).then(
        (ok) => {
          // A rotation or retirement that ended this screen's sessions while the old password
          // was being checked: that check read the old credentials.
          if (ok && (sessionsEndedAt.get(username) ?? 0) > started) ok = false;
          if (!ok) return done(authError('bad username or password', 4), false);
          accept({ screenId: username });
        },
        (err: unknown) => {
          opts.log.error({ err }, 'device authentication failed');
          done(authError('server unavailable', 3), false);
        },
      );
    },
    authorizePublish: (client, packet, callback) => {
      const identity = (client as unknown as ClientWithIdentity | null)?.marquee;
      if (!client || !identity) return callback(new Error('not authenticated'));
      if ('service' in identity) return callback(null);
      const parsed = parseTopic(packet.topic);
      // Commands and desired state are the server's to publish; a device only reads them.
      const allowed =
        parsed !== null &&
        parsed.screenId === identity.screenId &&
        parsed.kind !== 'command' &&
        parsed.kind !== 'desired';
      if (!allowed) {
        opts.log.warn(
          { screenId: identity.screenId, topic: packet.topic },
          'device publish refused',
        );
        return callback(new Error(`publish to ${packet.topic} not allowed`));
      }
      // Checked here, before Aedes stores a retained copy or queues it for anyone: the
      // server would refuse it unread anyway (ingest's limit).
      if (packet.payload.length > MAX_PAYLOAD_BYTES) {
        opts.log.warn(
          { screenId: identity.screenId, topic: packet.topic, bytes: packet.payload.length },
          `device publish over ${MAX_PAYLOAD_BYTES} bytes dropped`,
        );
        opts.onRefused?.('too_large');
        packet.topic = DROPPED_TOPIC;
        packet.payload = Buffer.alloc(0);
        packet.retain = false;
      }
      callback(null);
    },
    authorizeSubscribe: (client, sub, callback) => {
      const identity = (client as unknown as ClientWithIdentity).marquee;
      if (identity && 'service' in identity) return callback(null, sub);
      const own = identity && `${TOPIC_ROOT}/${identity.screenId}/cmd/`;
      if (own && (sub.topic === `${own}+` || sub.topic === `${own}#`)) return callback(null, sub);
      if (identity && sub.topic === topics.desired(identity.screenId)) return callback(null, sub);
      opts.log.warn({ client: client.id, topic: sub.topic }, 'device subscribe refused');
      callback(null, null);
    },
  });
  broker.on('clientReady', (client) => {
    if (
      (client as unknown as ClientWithIdentity).marquee &&
      !('service' in ((client as unknown as ClientWithIdentity).marquee ?? {}))
    )
      devices += 1;
  });
  broker.on('clientDisconnect', (client) => {
    const id = (client as unknown as ClientWithIdentity).marquee;
    if (id && !('service' in id)) devices -= 1;
  });

  const guard = new ConnectionGuard(limits, (remote, reason) =>
    opts.log.warn({ remote, reason }, 'mqtt connection cut'),
  );
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    const guarded = guard.admit(socket);
    if (!guarded) return;
    (socket as unknown as ConnWithGuard).marqueeGuard = guarded;
    broker.handle(socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  /** Client id = screen id (enforced at login), so this is that device's live session. */
  const disconnect = (screenId: string): Promise<void> => {
    sessionsEndedAt.set(screenId, ++loginOrder);
    const clients = (broker as unknown as { clients: Record<string, Client | undefined> }).clients;
    const client = clients[screenId] as (Client & ClientWithIdentity) | undefined;
    if (!client?.marquee || 'service' in client.marquee) return Promise.resolve();
    opts.log.info({ screenId }, 'device session closed by the server');
    return new Promise<void>((resolve) => client.close(() => resolve()));
  };
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    serviceCredentials: { username: SERVICE_USERNAME, password: servicePassword },
    connectedDevices: () => devices,
    unauthenticatedConnections: () => guard.unauthenticated,
    credentialsIssued: (screenId) => disconnect(screenId),
    retired: (screenId) => disconnect(screenId),
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
