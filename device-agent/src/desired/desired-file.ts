/**
 * The last desired state the agent received, kept in its data dir (`desired.json`) so it is
 * applied at the next start before any network: written to a temporary file, fsynced and
 * renamed over the old one (atomic), so a power cut leaves the old state or the new, never half.
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
import { DesiredStatePayload } from '../../../protocol';

export class DesiredFile {
  readonly path: string;

  constructor(
    dataDir: string,
    private readonly fsync: boolean,
  ) {
    this.path = join(dataDir, 'desired.json');
  }

  /** The stored state, or null when there is none or it does not parse (then it is ignored). */
  read(): { state: DesiredStatePayload | null; problem?: string } {
    if (!existsSync(this.path)) return { state: null };
    try {
      const parsed = DesiredStatePayload.safeParse(JSON.parse(readFileSync(this.path, 'utf8')));
      if (parsed.success) return { state: parsed.data };
      return { state: null, problem: parsed.error.issues[0]?.message ?? 'invalid' };
    } catch (err) {
      return { state: null, problem: (err as Error).message };
    }
  }

  write(state: DesiredStatePayload): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, JSON.stringify(state));
      if (this.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
