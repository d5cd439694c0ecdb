/**
 * Composes one server node: database, broker (embedded or external), HTTP + Socket.IO, and
 * the features. `startServer` is what `npm run server`, `npm start` and the tests call.
 */
import http from 'node:http';
import type net from 'node:net';
import express, { Router } from 'express';
import type { Knex } from 'knex';
import { ServerConfig, resolveDatabaseUrl, type ServerConfigInput } from './config';
import type { Feature, ServerContext } from './context';
import { openDatabase } from './db/connect';
import { migrateToLatest } from './db/migrations';
import { ensureFirstAdmin } from './auth/users';
import { createAuthFeature } from './auth/auth-feature';
import { createAuditFeature } from './audit/audit-feature';
import { createUptimeFeature } from './reports/uptime-feature';
import { createCampaignsFeature, type CampaignsFeature } from './campaigns/campaigns-feature';
import { storeProofOfPlay } from './campaigns/pop-store';
import { startEmbeddedBroker, type EmbeddedBroker } from './broker/embedded-broker';
import { connectMqttLink, type MqttLink } from './broker/mqtt-link';
import { noDeviceSessions, type DeviceSessions } from './broker/device-sessions';
import { connectDynamicSecurity } from './broker/dynamic-security';
import { createAlarmFeature, type AlarmFeature } from './alarms/alarm-feature';
import { createAlertingFeature, type AlertingFeature } from './alerting/alerting-feature';
import { createCommandFeature, type CommandFeature } from './commands/command-feature';
import { EventStore } from './fleet/event-store';
import { bindDurableIngest } from './fleet/durable-ingest';
import { scheduleHistoryMaintenance } from './fleet/history-maintenance';
import { createFleetFeature, watchesWholeFleet } from './fleet/fleet-feature';
import type { IngestHandlers } from './fleet/ingest';
import { createChatFeature, type ChatFeature } from './chat/chat-feature';
import { createAdminScreensFeature } from './admin-screens/admin-screens-feature';
import { createAdminUsersFeature } from './admin-users/admin-users-feature';
import { createScreenshotsFeature } from './screenshots/screenshots-feature';
import { createDesiredStateFeature } from './desired-state/desired-feature';
import { verifyDeviceCredentials } from './fleet/screens-repo';
import { authRoutes } from './http/auth-routes';
import { errorHandler, requireUser } from './http/middleware';
import { metricsRoute } from './http/metrics-route';
import { createLogger, type Logger } from './log';
import { Metrics } from './metrics';
import { createSocketServer } from './realtime/io';
import { registerRoomEvents, type RoomPolicy } from './realtime/rooms';
import { SocketRouter } from './realtime/socket-router';
import { runSync } from './realtime/sync';

export interface RunningServer {
  url: string;
  port: number;
  mqttUrl: string;
  embeddedBroker: EmbeddedBroker | null;
  ctx: ServerContext;
  fleet: Awaited<ReturnType<typeof createFleetFeature>>;
  chat: ChatFeature;
  alarms: AlarmFeature;
  alerting: AlertingFeature;
  commands: CommandFeature;
  campaigns: CampaignsFeature;
  log: Logger;
  close(): Promise<void>;
}

export class PortInUseError extends Error {}

function historyMaintenanceFeature(
  knex: Knex,
  isPostgres: boolean,
  config: ServerConfig,
  log: Logger,
): Feature {
  let job: { stop(): Promise<void> } | null = null;
  return {
    name: 'history-maintenance',
    start: () => {
      job = scheduleHistoryMaintenance(
        knex,
        isPostgres,
        { rawDays: config.telemetryRawDays, retentionDays: config.telemetryRetentionDays },
        log,
      );
    },
    stop: () => job?.stop(),
  };
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

const inUse = (err: unknown) => (err as NodeJS.ErrnoException).code === 'EADDRINUSE';

export async function startServer(
  input: ServerConfigInput = {},
  logger?: Logger,
): Promise<RunningServer> {
  const config = ServerConfig.parse(input);
  const log = logger ?? createLogger(config.logLevel);
  const metrics = new Metrics();
  const db = openDatabase(resolveDatabaseUrl(config));
  const cleanups: (() => Promise<void>)[] = [() => db.close()];
  const cleanup = async () => {
    for (const fn of cleanups.reverse())
      await fn().catch((err: unknown) => log.error({ err }, 'shutdown step failed'));
  };
  try {
    await migrateToLatest(db.knex);
    const admin = await ensureFirstAdmin(db.knex, config.adminEmail, config.adminPassword);
    if (admin) log.info({ email: admin.email }, 'first admin created');

    let embeddedBroker: EmbeddedBroker | null = null;
    let mqttUrl = config.mqttUrl;
    let mqttAuth: { username?: string; password?: string } = {};
    if (!mqttUrl) {
      try {
        embeddedBroker = await startEmbeddedBroker({
          port: config.mqttPort,
          verifyDevice: (u, p) => verifyDeviceCredentials(db.knex, u, p),
          log,
          onRefused: (reason) => metrics.rejected.inc(reason),
        });
      } catch (err) {
        if (inUse(err)) {
          throw new PortInUseError(
            `MQTT port ${config.mqttPort} is taken (a Mosquitto already running?): use it with MQTT_URL=mqtt://127.0.0.1:${config.mqttPort}, or move the embedded broker with MQTT_PORT=<free port>`,
          );
        }
        throw err;
      }
      const broker = embeddedBroker;
      cleanups.push(() => broker.close());
      mqttUrl = embeddedBroker.url;
      mqttAuth = embeddedBroker.serviceCredentials;
    }

    const app = express();
    app.disable('x-powered-by');
    // X-Forwarded-For is believed only from the proxies TRUST_PROXY names (default: none).
    app.set('trust proxy', config.trustProxy);
    const httpServer = http.createServer(app);
    httpServer.on('connection', (socket) => socket.setNoDelay(true));
    const sockets = await createSocketServer(httpServer, db.knex, log, config.redisUrl, {
      maxSocketsPerUser: config.maxSocketsPerUser,
    });
    const io = sockets.io;
    const ctx: ServerContext = {
      config,
      knex: db.knex,
      isPostgres: db.isPostgres,
      io,
      log,
      metrics,
    };

    const chat = createChatFeature(ctx);
    // Ingest handlers are bound after the features they call exist.
    const handlers: IngestHandlers = {};
    // Rotating or retiring a screen ends its live session through the broker in use.
    let deviceSessions: DeviceSessions = embeddedBroker ?? noDeviceSessions;
    if (config.mqttDynsec && !embeddedBroker) {
      const url = new URL(mqttUrl);
      if (!url.username || !url.password)
        throw new Error(
          'MQTT_DYNSEC=1 needs the login of a dynamic security admin in MQTT_URL (mqtt://USER:PASSWORD@host:port)',
        );
      const dynsec = await connectDynamicSecurity({
        url: mqttUrl,
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
        clientId: `marquee-server-${process.env.MARQUEE_NODE_ID ?? 'main'}-dynsec`,
        log,
      });
      cleanups.push(() => dynsec.close());
      deviceSessions = dynsec;
    }
    // People and who sees what: an advertiser sees their grants and their conversations' screens.
    const adminUsers = createAdminUsersFeature(ctx, {
      signals: sockets.signals,
      presence: chat.presence,
      conversationScreens: chat.advertiserScreens,
      bookedScreens: (userId) => campaigns.advertiserScreens(userId),
      accessChanged: (userIds) => fleet.accessChanged(userIds),
    });
    // An advertiser may start a conversation about any screen they see (a booked one too).
    chat.useVisibleScreens((userId) => adminUsers.visibleScreens(userId));
    const fleet = await createFleetFeature(ctx, {
      advertiserScreens: (userId) => adminUsers.visibleScreens(userId),
      handlers,
      deviceSessions,
    });
    // Bookings widen an advertiser's view to the booked screens (campaigns/README.md).
    const campaigns = createCampaignsFeature(ctx, {
      screens: () => fleet.state.all().filter((s) => !s.retired),
      accessChanged: (userIds) => fleet.accessChanged(userIds),
      notifications: chat.notifications,
    });
    fleet.state.onRegistryChange(() => campaigns.screensChanged());
    chat.onConversationUpdate((view, userIds) =>
      fleet.advertisers.conversationChanged(view, userIds),
    );
    // Who hears of each alarm change, when and how: routes, schedules, channels (alerting/).
    const alerting = createAlertingFeature(ctx, {
      screenOf: (id) => fleet.state.get(id),
      notifications: chat.notifications,
      alarmIsActive: async (id) =>
        (await db.knex('alarms').where({ id }).first('status'))?.status === 'active',
    });
    const alarms = createAlarmFeature(ctx, (alarm, isNew, reopened) =>
      alerting.onAlarmChange(alarm, isNew, reopened),
    );
    let link: MqttLink | null = null;
    const commands = createCommandFeature(ctx, fleet.state, () => link);
    const screenshots = createScreenshotsFeature(ctx, {
      screen: (id) => fleet.state.get(id),
      screens: () => fleet.state.all(),
      advertiserScreens: (userId) => adminUsers.visibleScreens(userId),
      commands: () => commands,
    });
    const desired = createDesiredStateFeature(ctx, { fleet: fleet.state, link: () => link });
    const events = new EventStore(db.knex, log, storeProofOfPlay);
    // Events and command results are acknowledged to the broker once stored (durable-ingest.ts).
    const durable = bindDurableIngest(handlers, {
      ingest: () => fleet.ingest,
      fleet: fleet.state,
      events,
      evaluator: () => alarms.evaluator,
      onCommandResult: (screenId, commandId, result) =>
        commands.onResult(screenId, commandId, result),
      onScreenOnline: (screenId) => commands.onScreenOnline(screenId),
      log,
    });
    Object.assign(handlers, {
      onScreenChanged: (screenId) => {
        const screen = fleet.state.get(screenId);
        if (screen) alarms.evaluator.onTelemetry(screen);
        desired.onScreenChanged(screenId);
      },
      onStateChanged: (screen, previous) => {
        chat.notifier
          .notifyScreenStatus(screen, previous)
          .catch((err: unknown) => log.error({ err }, 'screen status notification failed'));
        campaigns.notices.onStateChanged(screen, previous);
      },
    } satisfies IngestHandlers);
    const features: Feature[] = [
      fleet,
      chat,
      alarms,
      alerting,
      commands,
      {
        name: 'events',
        start: () => events.start(),
        stop: async () => {
          durable.stop();
          await events.stop();
        },
      },
      historyMaintenanceFeature(db.knex, db.isPostgres, config, log),
      createAuthFeature(ctx),
      createAdminScreensFeature(ctx, { fleet: fleet.state, sessions: deviceSessions, mqttUrl }),
      adminUsers,
      createAuditFeature(ctx),
      screenshots,
      createUptimeFeature(ctx),
      desired,
      campaigns,
    ];

    // Socket events: rooms and sync are shared; each feature adds its own.
    const router = new SocketRouter(log, metrics);
    const roomPolicies: Record<string, RoomPolicy> = {
      fleet: (user) => Promise.resolve(watchesWholeFleet(user)),
      conversation: chat.roomPolicy,
    };
    registerRoomEvents(router, roomPolicies);
    const syncSources = features.flatMap((f) => (f.sync ? [f.sync] : []));
    router.on('sync', ({ user }, { cursor }) => runSync(db.knex, syncSources, user, cursor));
    for (const f of features) f.registerSocketEvents?.(router);

    io.on('connection', (socket) => {
      void socket.join(`user:${socket.data.user.id}`);
      router.attach(socket);
      for (const f of features) {
        Promise.resolve(f.onConnect?.(socket)).catch((err: unknown) =>
          log.error({ err, feature: f.name }, 'onConnect failed'),
        );
      }
      socket.on('disconnect', () => {
        for (const f of features) {
          Promise.resolve(f.onDisconnect?.(socket)).catch((err: unknown) =>
            log.error({ err, feature: f.name }, 'onDisconnect failed'),
          );
        }
      });
    });

    // REST. Device uploads (images, device credentials) come before the JSON parser and the session check.
    app.use('/api', screenshots.deviceRoutes());
    app.use('/api', chat.attachments.uploadRoutes());
    app.use(express.json({ limit: '64kb' }));
    app.get('/healthz', (_req, res) => {
      db.knex
        .raw('select 1')
        .then(
          () => true,
          () => false,
        )
        .then(
          (dbOk) => {
            const brokerOk = link?.connected() ?? false;
            res
              .status(dbOk && brokerOk ? 200 : 503)
              .json({ ok: dbOk && brokerOk, database: dbOk, broker: brokerOk });
          },
          () => res.status(503).end(),
        );
    });
    app.get('/metrics', metricsRoute(metrics, config.metrics, config.metricsToken));
    const api = Router();
    api.use(
      authRoutes({
        knex: db.knex,
        sessionTtlMs: config.sessionTtlHours * 3600_000,
        signals: sockets.signals,
        log,
      }),
    );
    api.use(requireUser(db.knex));
    for (const f of features) f.registerRoutes?.(api);
    app.use('/api', api);
    app.use('/api', (_req, res) => {
      res.status(404).json({ error: { code: 'not_found', message: 'no such endpoint' } });
    });
    app.use(errorHandler(log));

    metrics.gauge(
      'marquee_consoles_connected',
      'Socket.IO connections on this node',
      () => io.engine.clientsCount,
    );
    if (embeddedBroker) {
      const b = embeddedBroker;
      metrics.gauge('marquee_agents_connected', 'Devices connected to the embedded broker', () =>
        b.connectedDevices(),
      );
    }

    link = await connectMqttLink({
      url: mqttUrl,
      clientId: `marquee-server-${process.env.MARQUEE_NODE_ID ?? 'main'}`,
      ...mqttAuth,
      log,
      onMessage: (topic, payload) => durable.onMessage(topic, payload),
      onReconnect: () => {
        commands.onLinkUp();
        desired.onLinkUp();
      },
    });
    const mqttLink = link;
    cleanups.push(() => mqttLink.close());

    for (const f of features) await f.start?.();
    cleanups.push(async () => {
      for (const f of features) await f.stop?.();
    });

    let port: number;
    try {
      port = await listen(httpServer, config.port, config.host);
    } catch (err) {
      if (inUse(err))
        throw new PortInUseError(
          `HTTP port ${config.port} is taken: choose another with PORT=<free port>`,
        );
      throw err;
    }
    cleanups.push(() => sockets.close());
    const url = `http://127.0.0.1:${port}`;
    log.info(
      { url, mqttUrl, database: db.isPostgres ? 'postgres' : 'sqlite' },
      'marquee server listening',
    );
    return {
      url,
      port,
      mqttUrl,
      embeddedBroker,
      ctx,
      fleet,
      chat,
      alarms,
      alerting,
      commands,
      campaigns,
      log,
      close: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
