/**
 * The format of what the agent keeps in `dataDir` (the event journal `events.journal` and the
 * command ledger `commands.journal`), named in `state-format.json`, so an upgrade or a
 * downgrade never misreads a queue it does not understand.
 *
 * Decisions:
 * - Format 1 is the JSON-lines journals as they are today. Agents before this marker existed
 *   wrote exactly format 1, so a state directory without the marker is format 1: it is read
 *   as it is and the marker is written. That keeps every queue and ledger across the first
 *   upgrade that brings the marker.
 * - An older format than CURRENT is upgraded here (today there is none), then the marker is
 *   rewritten; the journals' readers skip records they cannot parse, so a newer format must
 *   be a new file or a migration here, never a silent reinterpretation.
 * - A newer format than this agent knows (a downgrade) is refused with a sentence before
 *   anything is opened: reading it could drop pending events or re-run commands. The service
 *   then exits with code 2, which the systemd unit does not restart.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { AGENT_VERSION } from '../version';

export const STATE_FORMAT = 1;
export const STATE_FORMAT_FILE = 'state-format.json';

const Marker = z.object({ format: z.number().int().positive(), writtenBy: z.string().optional() });

export class StateFormatError extends Error {}

/** Checks (and, when absent or older, writes) the state marker in `dataDir`. */
export function checkStateFormat(dataDir: string): { format: number; upgradedFrom?: number } {
  const path = join(dataDir, STATE_FORMAT_FILE);
  if (!existsSync(path)) {
    writeMarker(path);
    return { format: STATE_FORMAT };
  }
  let marker: z.infer<typeof Marker>;
  try {
    marker = Marker.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    throw new StateFormatError(
      `${path} is not a state marker this agent can read; it should hold {"format": ${STATE_FORMAT}}. Repair it, or move ${dataDir} away to start with an empty queue (its pending events would be lost).`,
    );
  }
  if (marker.format > STATE_FORMAT) {
    throw new StateFormatError(
      `the state in ${dataDir} is format ${marker.format} (written by agent ${marker.writtenBy ?? 'unknown'}); this agent (${AGENT_VERSION}) reads formats up to ${STATE_FORMAT}. Install that agent version or newer, or move ${dataDir} away to start with an empty queue (its pending events would be lost).`,
    );
  }
  if (marker.format < STATE_FORMAT || marker.writtenBy !== AGENT_VERSION) {
    // No older format exists yet; an upgrade step would run here before the marker moves on.
    writeMarker(path);
    return marker.format < STATE_FORMAT
      ? { format: STATE_FORMAT, upgradedFrom: marker.format }
      : { format: STATE_FORMAT };
  }
  return { format: STATE_FORMAT };
}

/** Written like the journals' compaction: temp file, fsync, rename. */
function writeMarker(path: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify({ format: STATE_FORMAT, writtenBy: AGENT_VERSION }) + '\n');
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
