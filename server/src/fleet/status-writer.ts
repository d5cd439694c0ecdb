/**
 * Every tick: take the screens that changed, write them and their history in one
 * transaction (stamped with change-log revisions), then broadcast them as one
 * `billboardStatusUpdate`. Ticks never overlap: while a write is in flight, changes keep
 * coalescing in FleetState. The broadcast goes out only after the commit, so a console's
 * cursor never points past what `sync` can return.
 */
import type { Screen } from '../../../protocol';
import type { Logger } from '../log';
import type { Metrics } from '../metrics';
import type { BatchStore } from './batch-store';
import type { FleetState } from './fleet-state';

export interface StatusWriterDeps {
  store: BatchStore;
  fleet: FleetState;
  tickMs: number;
  log: Logger;
  metrics: Metrics;
  /** `full[i]`: screens[i] changed beyond telemetry. */
  broadcast(cursor: number, screens: Screen[], full: boolean[]): void;
}

export class StatusWriter {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> | null = null;

  constructor(private readonly deps: StatusWriterDeps) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.inFlight && this.deps.fleet.pendingCount > 0) void this.flush();
    }, this.deps.tickMs);
  }

  /** Writes and broadcasts what is pending now; resolves when done (used at shutdown). */
  async flush(): Promise<void> {
    while (this.inFlight) await this.inFlight;
    this.inFlight = this.writeOnce().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flush();
  }

  private async writeOnce(): Promise<void> {
    const { fleet, log, metrics } = this.deps;
    const batch = fleet.takeDirty();
    if (batch.screens.length === 0) return;
    const started = performance.now();
    let written: Screen[] = [];
    try {
      written = await this.deps.store.write(batch);
    } catch (err) {
      // Put the screens and their state transitions back so the next tick retries them; the
      // tick's telemetry history is lost rather than blocking the live state behind a failing
      // database (uptime reports need every transition, telemetry samples are many).
      for (const { screen } of batch.screens) fleet.markDirty(screen.id);
      fleet.requeueStateHistory(batch.stateHistory);
      log.error({ err, screens: batch.screens.length }, 'status write failed; will retry');
      metrics.dbErrors.inc();
      return;
    }
    written.forEach((s, i) => fleet.setRev(s.id, s.rev, batch.screens[i]!.full));
    metrics.dbBatchSize.observe(written.length);
    metrics.dbBatchMs.observe(performance.now() - started);
    this.deps.broadcast(
      written[written.length - 1]!.rev,
      written,
      batch.screens.map((s) => s.full),
    );
  }
}
