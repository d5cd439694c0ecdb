/**
 * The state marker: a state directory from before the marker (format 1 journals) is read as it
 * is and marked; a newer format is refused with a sentence before any journal is opened.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAgent } from '../src/agent';
import { CommandLedger } from '../src/commands/command-ledger';
import { parseConfig } from '../src/config';
import { EventQueue } from '../src/queue/event-queue';
import {
  checkStateFormat,
  STATE_FORMAT,
  STATE_FORMAT_FILE,
  StateFormatError,
} from '../src/queue/state-format';
import { AGENT_VERSION } from '../src/version';
import { tempDir } from './helpers/tmp';

/** Journals exactly as agent 0.1.0 wrote them before the marker existed. */
function writeUnmarkedFormat1(dir: string): void {
  const event = {
    id: 'ev-kept',
    bootId: 'boot-old',
    seq: 3,
    ts: 1_700_000_000_000,
    kind: 'reboot',
    reason: 'before upgrade',
  };
  writeFileSync(
    join(dir, 'events.journal'),
    [
      { op: 'dropped', count: 2 },
      { op: 'add', event },
    ]
      .map((r) => JSON.stringify(r))
      .join('\n') + '\n',
  );
  writeFileSync(
    join(dir, 'commands.journal'),
    JSON.stringify({ id: 'cmd-done', status: 'succeeded', detail: 'ok' }) + '\n',
  );
}

describe('agent state format', () => {
  it('reads an unmarked (pre-marker) state as format 1, keeps it, and marks it', () => {
    const dir = tempDir('state-unmarked');
    writeUnmarkedFormat1(dir);
    expect(checkStateFormat(dir)).toEqual({ format: 1 });
    expect(JSON.parse(readFileSync(join(dir, STATE_FORMAT_FILE), 'utf8'))).toEqual({
      format: STATE_FORMAT,
      writtenBy: AGENT_VERSION,
    });
    const queue = new EventQueue(dir, { maxEvents: 100, fsync: true });
    expect(queue.pending().map((e) => e.id)).toEqual(['ev-kept']);
    expect(queue.dropped).toBe(2);
    queue.close();
    const ledger = new CommandLedger(dir);
    expect(ledger.get('cmd-done')).toEqual({ status: 'succeeded', detail: 'ok' });
    ledger.close();
    // A second start finds its own marker and changes nothing.
    expect(checkStateFormat(dir)).toEqual({ format: 1 });
  });

  it('refuses a newer format with a sentence and leaves the journals untouched', async () => {
    const dir = tempDir('state-newer');
    writeUnmarkedFormat1(dir);
    writeFileSync(join(dir, STATE_FORMAT_FILE), JSON.stringify({ format: 2, writtenBy: '9.0.0' }));
    const before = readFileSync(join(dir, 'events.journal'), 'utf8');
    expect(() => checkStateFormat(dir)).toThrow(StateFormatError);
    expect(() => checkStateFormat(dir)).toThrow(
      /is format 2 \(written by agent 9\.0\.0\); this agent \(.+\) reads formats up to 1\. Install that agent version or newer/,
    );
    const config = parseConfig({
      screenId: 'scr-state',
      broker: { url: 'mqtt://127.0.0.1:9' },
      dataDir: dir,
    });
    await expect(startAgent(config)).rejects.toThrow(StateFormatError);
    expect(readFileSync(join(dir, 'events.journal'), 'utf8')).toBe(before);
  });

  it('refuses an unreadable marker with the way out', () => {
    const dir = tempDir('state-garbled');
    writeFileSync(join(dir, STATE_FORMAT_FILE), 'not json');
    expect(() => checkStateFormat(dir)).toThrow(/is not a state marker this agent can read/);
  });
});
