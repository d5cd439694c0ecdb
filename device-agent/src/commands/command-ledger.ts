/**
 * The commands this screen has already taken, kept on disk so a QoS 1 redelivery runs once,
 * also after a restart. The id is journaled *before* the command runs: a crash mid-command
 * must not re-run a reboot when the broker redelivers it. The final result is journaled too,
 * so a redelivery can be answered with it.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { CommandResultStatus } from '../../../protocol';
import { Journal } from '../queue/journal';

const LedgerRecord = z.object({
  id: z.string(),
  status: CommandResultStatus.optional(),
  detail: z.string().optional(),
});
type LedgerRecord = z.infer<typeof LedgerRecord>;

export interface LedgerEntry {
  status?: CommandResultStatus;
  detail?: string;
}

export class CommandLedger {
  private readonly journal: Journal;
  private readonly entries = new Map<string, LedgerEntry>();
  private closed = false;

  constructor(
    dataDir: string,
    /** How many recent command ids to remember; commands expire long before this many arrive. */
    private readonly capacity = 1_000,
    fsync = true,
  ) {
    const path = join(dataDir, 'commands.journal');
    for (const raw of Journal.read(path)) {
      const rec = LedgerRecord.safeParse(raw);
      if (rec.success) this.apply(rec.data);
    }
    this.journal = new Journal(path, fsync);
    this.compact();
  }

  private apply(rec: LedgerRecord): void {
    const entry = this.entries.get(rec.id) ?? {};
    this.entries.delete(rec.id);
    this.entries.set(rec.id, {
      status: rec.status ?? entry.status,
      detail: rec.detail ?? entry.detail,
    });
    while (this.entries.size > this.capacity) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  private compact(): void {
    this.journal.rewrite([...this.entries].map(([id, e]) => ({ id, ...e })));
  }

  get(id: string): LedgerEntry | undefined {
    return this.entries.get(id);
  }

  /** Records that a command was taken (before running it) or finished (with its result). */
  record(id: string, status?: CommandResultStatus, detail?: string): void {
    if (this.closed) return;
    const rec: LedgerRecord = { id, status, detail };
    this.journal.append(rec);
    this.apply(rec);
    if (this.journal.recordCount > 3 * this.capacity) this.compact();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.journal.close();
  }
}
