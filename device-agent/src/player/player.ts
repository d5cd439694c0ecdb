/**
 * What the agent needs from the thing that drives the screen: its current state, the facts it
 * produces (content changes, proof-of-play, faults, reboots) and the commands it carries out
 * itself. Probes and configured handlers fill in or override what a player does not do.
 */
import type { CommandPayload, CommandType, Content, DisplayPower } from '../../../protocol';

export interface PlayerReading {
  display?: { power: DisplayPower; brightness: number };
  content?: Content | null;
  temperatureC?: number | null;
  /** Host metrics, only from players that simulate a whole machine. */
  system?: {
    cpu: { load1: number; usagePct: number };
    memory: { usedPct: number; totalMb: number };
    disk: { usedPct: number; totalGb: number } | null;
    uptimeS: number;
  };
}

/** A fact the player reports; the agent stamps it and puts it on the durable queue. */
export type PlayerEvent =
  | { kind: 'fault'; code: string; severity: 'info' | 'warning' | 'critical'; message: string }
  | { kind: 'faultCleared'; code: string }
  | { kind: 'contentChanged'; content: Content | null }
  | {
      kind: 'proofOfPlay';
      creativeId: string;
      campaignId: string;
      startedAt: number;
      durationMs: number;
    }
  | { kind: 'reboot'; reason: string };

export interface PlayerListeners {
  /** A fact to report durably. */
  event(event: PlayerEvent): void;
  /** Something shown in telemetry changed (power, brightness, content): report it now. */
  changed(): void;
}

export interface Player {
  /** Commands this player carries out itself. */
  readonly commands: readonly CommandType[];
  start(listeners: PlayerListeners): void;
  read(): Promise<PlayerReading>;
  /** Carries out a validated command; resolves with a detail line, rejects on failure. */
  execute(command: CommandPayload, signal: AbortSignal): Promise<string>;
  /** A PNG of what the screen shows now, for players that can produce one themselves. */
  capture?(): Promise<Buffer>;
  stop(): void;
}
