/**
 * An append-only journal of JSON records, one per line, each appended with fsync before the
 * call returns, so a record survives SIGKILL and power loss. Compaction writes a new file,
 * fsyncs it and renames it over the old one (atomic on POSIX and NTFS), then fsyncs the
 * directory so the rename itself is durable.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export class Journal {
  private fd: number;
  private lines = 0;

  constructor(
    readonly path: string,
    private readonly fsync: boolean,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
  }

  /**
   * Every complete, parseable record in the file, in order. A torn last line (the process
   * died mid-write) is skipped: its append had not returned, so nobody relied on it.
   */
  static read(path: string): unknown[] {
    if (!existsSync(path)) return [];
    const records: unknown[] = [];
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        records.push(JSON.parse(line));
      } catch {
        continue;
      }
    }
    return records;
  }

  get recordCount(): number {
    return this.lines;
  }

  append(record: unknown): void {
    writeSync(this.fd, JSON.stringify(record) + '\n');
    if (this.fsync) fsyncSync(this.fd);
    this.lines += 1;
  }

  /** Replaces the whole journal with `records`, atomically. */
  rewrite(records: readonly unknown[]): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, records.map((r) => JSON.stringify(r) + '\n').join(''));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    closeSync(this.fd);
    renameSync(tmp, this.path);
    syncDirectory(dirname(this.path));
    this.fd = openSync(this.path, 'a');
    this.lines = records.length;
  }

  close(): void {
    closeSync(this.fd);
  }
}

/** Makes a rename durable; Windows cannot open directories, and NTFS does not need it. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
