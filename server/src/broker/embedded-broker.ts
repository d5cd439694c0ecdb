/**
 * The embedded MQTT broker (Aedes) for one machine and small fleets. It authenticates every
 * device with its own credentials and confines it to its own topics: publish only under
 * `screens/{its id}/…` (state, telemetry, events, command results), subscribe only to its own
 * `cmd/…`. The server's own client logs in with a per-process service secret.
 */
import net from 'node:net';
import { Aedes, type AuthenticateError } from 'aedes';
import { TOPIC_ROOT, parseTopic } from '../../../protocol';
import { newSecret } from '../auth/tokens';
import type { Logger } from '../log';

export const SERVICE_USERNAME = 'marquee-server';

export interface EmbeddedBroker {
  port: number;
  url: string;
  serviceCredentials: { username: string; password: string };
  connectedDevices(): number;
  close(): Promise<void>;
}

type ClientWithIdentity = { id: string; marquee?: { service: true } | { screenId: string } };

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export async function startEmbeddedBroker(opts: {
  port: number;
  host?: string;
  verifyDevice(username: string, password: string): Promise<boolean>;
  log: Logger;
}): Promise<EmbeddedBroker> {
  const servicePassword = newSecret();
  let devices = 0;
  const broker = await Aedes.createBroker({
    authenticate: (client, username, password, done) => {
      const c = client as unknown as ClientWithIdentity;
      const pass = password?.toString('utf8') ?? '';
      if (username === SERVICE_USERNAME) {
        if (pass === servicePassword) {
          c.marquee = { service: true };
          return done(null, true);
        }
        return done(authError('bad service credentials', 4), false);
      }
      // A device logs in as its screen id and must use it as its client id too, so that
      // no device can take over another one's persistent session.
      if (!username || username !== client.id) {
        return done(authError('client id must equal the username (the screen id)', 2), false);
      }
      opts.verifyDevice(username, pass).then(
        (ok) => {
          if (!ok) return done(authError('bad username or password', 4), false);
          c.marquee = { screenId: username };
          done(null, true);
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
      const allowed =
        parsed !== null && parsed.screenId === identity.screenId && parsed.kind !== 'command';
      if (!allowed) {
        opts.log.warn(
          { screenId: identity.screenId, topic: packet.topic },
          'device publish refused',
        );
        return callback(new Error(`publish to ${packet.topic} not allowed`));
      }
      callback(null);
    },
    authorizeSubscribe: (client, sub, callback) => {
      const identity = (client as unknown as ClientWithIdentity).marquee;
      if (identity && 'service' in identity) return callback(null, sub);
      const own = identity && `${TOPIC_ROOT}/${identity.screenId}/cmd/`;
      if (own && (sub.topic === `${own}+` || sub.topic === `${own}#`)) return callback(null, sub);
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

  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
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
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    serviceCredentials: { username: SERVICE_USERNAME, password: servicePassword },
    connectedDevices: () => devices,
    close: async () => {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
