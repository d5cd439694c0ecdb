/**
 * One screen's agent: wires the player, probes, durable event queue, command runner and the
 * MQTT session together. The same code runs as a service on a screen controller (main.ts) and
 * a thousand times over in one simulated fleet process (fleet.ts).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { parseTopic, topics, type CommandType } from '../../protocol';
import { capabilitiesOf } from './commands/capabilities';
import { CommandLedger } from './commands/command-ledger';
import { CommandRunner } from './commands/command-runner';
import type { AgentConfig } from './config';
import { DesiredFile } from './desired/desired-file';
import { DesiredKeeper } from './desired/desired-keeper';
import { displaySetter } from './desired/display-setter';
import { createLogger, errorText, type Logger } from './log';
import { createPlayer } from './player/create-player';
import type { Player, PlayerEvent } from './player/player';
import { createDisplayProbes } from './probes/display-probes';
import { createSystemProbe } from './probes/system';
import { EventQueue } from './queue/event-queue';
import { EventSender } from './queue/event-sender';
import { createScreenshotService } from './screenshots/screenshot-service';
import { checkStateFormat } from './queue/state-format';
import { startSession } from './session/mqtt-session';
import { Stamper } from './stamp';
import { TelemetryLoop } from './telemetry/telemetry-loop';

export interface StartAgentOptions {
  log?: Logger;
  /** A player other than the one the config describes (tests, embedding). */
  player?: Player;
  /** The clock the desired-state schedule follows (tests move it across boundaries). */
  now?: () => number;
}

export interface Agent {
  readonly screenId: string;
  readonly bootId: string;
  readonly capabilities: readonly CommandType[];
  /** Resolves on the first successful connect (the agent keeps retrying until then). */
  readonly firstConnect: Promise<void>;
  /** Durably queues an event for the server (what the player reports goes through here). */
  report(event: PlayerEvent): void;
  /** Events waiting on disk for a PUBACK. */
  readonly pendingEvents: number;
  /** Clean stop: `offline`, then DISCONNECT (the broker discards the Will). */
  stop(): Promise<void>;
  /** Drops the link without DISCONNECT, as a crash would: the broker sends the Will. */
  destroy(): void;
  /** Resolves when desired-state applications in progress are done (tests). */
  desiredSettled(): Promise<void>;
}

export async function startAgent(
  config: AgentConfig,
  opts: StartAgentOptions = {},
): Promise<Agent> {
  const log = opts.log ?? createLogger(config.logLevel, { screenId: config.screenId });
  mkdirSync(config.dataDir, { recursive: true });
  // Before the journals are opened: a queue in a format this agent does not know stays untouched.
  const state = checkStateFormat(config.dataDir);
  const queue = new EventQueue(config.dataDir, config.queue);
  const ledger = new CommandLedger(config.dataDir, 1_000, config.queue.fsync);
  const player = opts.player ?? createPlayer(config.player);
  const screenshots = createScreenshotService({
    config,
    player,
    report: (event) => report(event),
    displayPower: () => telemetry.displayPower,
    log,
  });
  const capabilities = capabilitiesOf(config, player, screenshots.available);
  const stamper = new Stamper();
  let stopped = false;
  // Desired state is applied from disk before the session starts: no network needed.
  const desired = new DesiredKeeper({
    file: new DesiredFile(config.dataDir, config.queue.fsync),
    setDisplay: displaySetter(config, player),
    onApplied: () => telemetry.soon(),
    log,
    now: opts.now ?? Date.now,
    checkMs: config.desiredCheckMs,
  });

  const session = startSession(
    config,
    stamper,
    capabilities,
    {
      onConnect: (info) => {
        sender.pump();
        telemetry.now();
        if (!info.first) desired.reapply('reconnect');
      },
      onDisconnect: () => {},
      onMessage: (topic, payload) => {
        if (parseTopic(topic)?.kind === 'desired') desired.handle(payload);
        else runner.handle(topic, payload);
      },
    },
    log,
  );
  const sender = new EventSender(config.screenId, queue, session, stamper, log);

  function report(event: PlayerEvent): void {
    if (stopped) return;
    try {
      queue.enqueue({ ...stamper.next(), id: randomUUID(), ...event });
    } catch (err) {
      log.error('event could not be queued', { kind: event.kind, error: errorText(err) });
      return;
    }
    if (event.kind === 'fault' || event.kind === 'reboot') log.info(event.kind, { ...event });
    // A player that reboots in place comes back at its own defaults: set it again.
    if (event.kind === 'reboot') desired.reapply('reboot');
    sender.pump();
  }

  const runner = new CommandRunner({
    config,
    player,
    capabilities,
    ledger,
    stamper,
    log,
    publish: (topic, payload) => session.publish(topic, payload, { qos: 1 }),
    onReboot: (commandId) => report({ kind: 'reboot', reason: `command ${commandId}` }),
    onExecuted: () => telemetry.soon(),
    screenshot: screenshots.available ? (id, signal) => screenshots.take(id, signal) : undefined,
  });

  const telemetry = new TelemetryLoop({
    screenId: config.screenId,
    intervalMs: config.telemetryIntervalMs,
    pollMs: config.probes.pollMs,
    player,
    probes: createDisplayProbes(config.probes, log),
    system: createSystemProbe(config.system),
    session,
    stamper,
    log,
    desired: () => desired.report(),
  });

  desired.start();
  player.start({ event: report, changed: () => telemetry.soon() });
  telemetry.start();
  screenshots.start();
  log.info('agent started', {
    bootId: stamper.bootId,
    capabilities,
    queued: queue.size,
    stateFormat: state.format,
    stateTopic: topics.state(config.screenId),
  });

  function halt(): void {
    stopped = true;
    desired.stop();
    player.stop();
    telemetry.stop();
    screenshots.stop();
  }

  return {
    screenId: config.screenId,
    bootId: stamper.bootId,
    capabilities,
    firstConnect: session.firstConnect,
    report,
    get pendingEvents() {
      return queue.size;
    },
    async stop() {
      if (stopped) return;
      halt();
      await runner.settle();
      await session.stop();
      queue.close();
      ledger.close();
      log.info('agent stopped');
    },
    desiredSettled: () => desired.settled(),
    destroy() {
      if (stopped) return;
      halt();
      session.destroy();
      queue.close();
      ledger.close();
    },
  };
}
