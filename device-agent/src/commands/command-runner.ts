/**
 * Takes commands from `cmd/{commandId}`: validates topic, size, JSON, schema, capability and
 * expiry, answers anything wrong with `rejected`, runs the rest once (the ledger survives
 * restarts, so a QoS 1 redelivery is not run again) with a timeout, and publishes `accepted`
 * then `succeeded` or `failed`.
 */
import {
  CommandPayload,
  CommandResultPayload,
  MAX_PAYLOAD_BYTES,
  parseTopic,
  topics,
  type CommandResultStatus,
  type CommandType,
} from '../../../protocol';
import type { AgentConfig } from '../config';
import { errorText, type Logger } from '../log';
import type { Player } from '../player/player';
import type { Stamper } from '../stamp';
import type { CommandLedger } from './command-ledger';
import { runConfiguredHandler } from './configured-handler';

export interface CommandRunnerDeps {
  config: AgentConfig;
  player: Player;
  capabilities: readonly CommandType[];
  ledger: CommandLedger;
  stamper: Stamper;
  log: Logger;
  publish(topic: string, payload: string): Promise<void>;
  /** A reboot is about to be run by a configured handler: record it durably first. */
  onReboot(commandId: string): void;
  /** A command finished: what the screen shows may have changed. */
  onExecuted(): void;
  /** Captures and uploads a screenshot (when this agent can); resolves with the detail. */
  screenshot?: (commandId: string, signal: AbortSignal) => Promise<string>;
  now?: () => number;
}

type Verdict = { ok: true; command: CommandPayload } | { ok: false; reason: string };

export class CommandRunner {
  private readonly now: () => number;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: CommandRunnerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Handles one MQTT message on the command wildcard. */
  handle(topic: string, payload: Buffer): void {
    const parsed = parseTopic(topic);
    if (parsed?.kind !== 'command' || parsed.screenId !== this.deps.config.screenId) {
      this.deps.log.warn('message on an unexpected topic ignored', { topic });
      return;
    }
    const { commandId } = parsed;
    const seen = this.deps.ledger.get(commandId);
    if (seen) {
      this.deps.log.info('duplicate command delivery; not run again', {
        commandId,
        status: seen.status,
      });
      // Answer again with the final result, in case the first answer was lost with the link.
      if (seen.status && seen.status !== 'accepted') {
        this.result(commandId, seen.status, seen.detail);
      }
      return;
    }
    const verdict = this.validate(payload);
    if (!verdict.ok) {
      this.deps.ledger.record(commandId, 'rejected', verdict.reason);
      this.deps.log.warn('command rejected', { commandId, reason: verdict.reason });
      this.result(commandId, 'rejected', verdict.reason);
      return;
    }
    this.deps.ledger.record(commandId);
    const run = this.run(commandId, verdict.command).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  private validate(payload: Buffer): Verdict {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      return { ok: false, reason: `payload larger than ${MAX_PAYLOAD_BYTES} bytes` };
    }
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      return { ok: false, reason: 'malformed: payload is not JSON' };
    }
    const type = (json as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && !this.deps.capabilities.includes(type as CommandType)) {
      return { ok: false, reason: `unsupported command type: ${type.slice(0, 64)}` };
    }
    const result = CommandPayload.safeParse(json);
    if (!result.success) {
      const issue = result.error.issues[0]!;
      return {
        ok: false,
        reason: `malformed: ${issue.path.join('.') || 'payload'}: ${issue.message}`,
      };
    }
    if (result.data.expiresAt <= this.now()) {
      return {
        ok: false,
        reason: `expired at ${new Date(result.data.expiresAt).toISOString()}`,
      };
    }
    return { ok: true, command: result.data };
  }

  private async run(commandId: string, command: CommandPayload): Promise<void> {
    const { config, player, log } = this.deps;
    const handler = config.commands[command.type];
    const timeoutMs = handler?.timeoutMs ?? config.commandTimeoutMs;
    log.info('command accepted', { commandId, type: command.type });
    this.result(commandId, 'accepted');
    const abort = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Reject first: aborting makes the handler fail too, with a vaguer message.
        reject(new Error(`timed out after ${timeoutMs} ms`));
        abort.abort();
      }, timeoutMs);
    });
    let status: CommandResultStatus;
    let detail: string;
    try {
      if (handler && command.type === 'reboot') this.deps.onReboot(commandId);
      const screenshot = command.type === 'screenshot' ? this.deps.screenshot : undefined;
      const work = handler
        ? runConfiguredHandler(handler, commandId, command, abort.signal)
        : screenshot
          ? screenshot(commandId, abort.signal)
          : player.execute(command, abort.signal);
      detail = await Promise.race([work, timeout]);
      status = 'succeeded';
    } catch (err) {
      detail = errorText(err);
      status = 'failed';
    } finally {
      clearTimeout(timer);
    }
    this.deps.ledger.record(commandId, status, detail);
    log.info(`command ${status}`, { commandId, type: command.type, detail });
    this.result(commandId, status, detail);
    this.deps.onExecuted();
  }

  private result(commandId: string, status: CommandResultStatus, detail?: string): void {
    const payload = CommandResultPayload.parse({
      ...this.deps.stamper.next(),
      status,
      detail: detail?.slice(0, 2000),
    });
    this.deps
      .publish(topics.commandResult(this.deps.config.screenId, commandId), JSON.stringify(payload))
      .catch((err: unknown) =>
        this.deps.log.warn('command result not delivered', { commandId, error: errorText(err) }),
      );
  }

  /** Resolves when commands in progress have finished (for a clean stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
