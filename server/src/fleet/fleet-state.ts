/**
 * The fleet's live state in memory: the latest Screen per id plus what the ordering rules need
 * (the current boot and the last telemetry seq). MQTT input is applied here; what changed is
 * collected until the status writer takes it (coalesced per screen: ten telemetry messages of
 * one screen in a tick make one row write and one entry in one broadcast).
 */
import type { Screen, StatePayload, TelemetryPayload, TelemetrySummary } from '../../../protocol';

export interface StateHistoryEntry {
  screen_id: string;
  state: string;
  boot_id: string | null;
  ts: number;
}
export interface TelemetryHistoryEntry {
  screen_id: string;
  ts: number;
  temperature_c: number | null;
  cpu_pct: number;
  memory_pct: number;
  brightness: number;
  power: string;
}

interface Runtime {
  screen: Screen;
  bootId: string | null;
  telemetrySeq: number;
  /** Rev of the last write that changed more than telemetry: what a patch is valid over. */
  baseRev: number;
  /**
   * The newest state-history stamp: stamps never go back per screen, so history read in time
   * order is the order things happened (an agent clock a second behind the server's would
   * otherwise date its `online` before the `lost` the server stamped). Uptime reports rely on it.
   */
  stampedAt: number;
  /** Retired or restored since the last state: the next state is recorded even if the same. */
  recordNext: boolean;
}

export type ApplyResult = 'applied' | 'stale' | 'duplicate' | 'unknown_screen' | 'retired';

export interface DirtyBatch {
  /** `full`: more than telemetry changed, so consoles get the whole screen, not a patch. */
  screens: { screen: Screen; bootId: string | null; full: boolean }[];
  stateHistory: StateHistoryEntry[];
  telemetryHistory: TelemetryHistoryEntry[];
}

export class FleetState {
  /** The server's clock: a `lost` is stamped with the time the server learned of it. */
  constructor(private readonly now: () => number = Date.now) {}

  private readonly runtimes = new Map<string, Runtime>();
  private dirty = new Set<string>();
  /** Dirty screens whose change is more than telemetry (state, registry): sent whole. */
  private full = new Set<string>();
  private stateHistory: StateHistoryEntry[] = [];
  private telemetryHistory: TelemetryHistoryEntry[] = [];

  load(screens: { screen: Screen; bootId: string | null }[]): void {
    for (const { screen, bootId } of screens) {
      this.runtimes.set(screen.id, this.runtime(screen, bootId));
    }
  }

  private runtime(screen: Screen, bootId: string | null): Runtime {
    const stampedAt = screen.stateSince ?? 0;
    return { screen, bootId, telemetrySeq: -1, baseRev: screen.rev, stampedAt, recordNext: false };
  }

  get(id: string): Screen | undefined {
    return this.runtimes.get(id)?.screen;
  }

  all(): Screen[] {
    return [...this.runtimes.values()].map((r) => r.screen);
  }

  get size(): number {
    return this.runtimes.size;
  }

  get pendingCount(): number {
    return this.dirty.size;
  }

  /** Registry changes (create, edit, retire) go through the same write-and-broadcast path. */
  putRegistry(screen: Screen): void {
    const runtime = this.runtimes.get(screen.id);
    if (runtime) {
      // Retiring and restoring are part of the state history: uptime reports leave a retired
      // screen's time out, and a restored one's until it is heard from again.
      if (runtime.screen.retired !== screen.retired) {
        const ts = Math.max(this.now(), runtime.stampedAt);
        runtime.stampedAt = ts;
        runtime.recordNext = true;
        const state = screen.retired ? 'retired' : 'restored';
        this.stateHistory.push({ screen_id: screen.id, state, boot_id: runtime.bootId, ts });
      }
      runtime.screen = { ...runtime.screen, ...registryFields(screen) };
    } else this.runtimes.set(screen.id, this.runtime(screen, null));
    this.dirty.add(screen.id);
    this.full.add(screen.id);
    for (const listener of this.registryListeners) listener(screen.id);
  }

  private readonly registryListeners: ((screenId: string) => void)[] = [];
  /**
   * Told of every registry change (create, edit, retire, restore): who sees a screen can follow
   * from its tags (bookings on a tag, campaigns/README.md), so access is looked at again.
   */
  onRegistryChange(listener: (screenId: string) => void): void {
    this.registryListeners.push(listener);
  }

  /** Desired state and its drift (server/src/desired-state/) travel with the screen, whole. */
  putDesired(id: string, desired: Screen['desired']): void {
    const runtime = this.runtimes.get(id);
    if (!runtime) return;
    runtime.screen = { ...runtime.screen, desired };
    this.dirty.add(id);
    this.full.add(id);
  }

  applyState(screenId: string, p: StatePayload): ApplyResult {
    const runtime = this.runtimes.get(screenId);
    if (!runtime) return 'unknown_screen';
    if (runtime.screen.retired) return 'retired';
    const newBoot = runtime.bootId !== p.bootId;
    // A Last Will from an earlier boot arrives late (or retained) after the agent restarted:
    // the screen is not lost, its old process is.
    if (newBoot && p.state === 'lost' && runtime.bootId !== null) return 'stale';
    const prev = runtime.screen;
    if (
      !newBoot &&
      !runtime.recordNext &&
      prev.state === p.state &&
      prev.agentVersion === p.agentVersion
    ) {
      return 'duplicate';
    }
    if (newBoot) {
      runtime.bootId = p.bootId;
      runtime.telemetrySeq = -1;
    }
    const changed = prev.state !== p.state;
    // A Last Will is composed when the agent connects, so its `ts` is the connect time, not
    // the moment the screen was lost: the time of a `lost` is when the broker delivered it
    // here. (`online` and `offline` are composed when they happen; their `ts` stands.)
    const at = Math.max(p.state === 'lost' ? this.now() : p.ts, runtime.stampedAt);
    runtime.screen = {
      ...prev,
      state: p.state,
      stateSince: changed || prev.stateSince === null ? at : prev.stateSince,
      lastSeen: Math.max(prev.lastSeen ?? 0, p.ts),
      agentVersion: p.agentVersion,
      capabilities: p.capabilities,
    };
    if (changed || newBoot || runtime.recordNext) {
      this.stateHistory.push({ screen_id: screenId, state: p.state, boot_id: p.bootId, ts: at });
      runtime.stampedAt = at;
      runtime.recordNext = false;
    }
    this.dirty.add(screenId);
    this.full.add(screenId);
    return 'applied';
  }

  applyTelemetry(screenId: string, p: TelemetryPayload): ApplyResult {
    const runtime = this.runtimes.get(screenId);
    if (!runtime) return 'unknown_screen';
    if (runtime.screen.retired) return 'retired';
    if (runtime.bootId !== p.bootId) {
      // Telemetry of another boot while the current boot is online is a leftover of the old
      // process; otherwise it is the first sign of a new boot (its `state` may follow).
      if (runtime.screen.state === 'online') return 'stale';
      runtime.bootId = p.bootId;
      runtime.telemetrySeq = -1;
    }
    if (p.seq <= runtime.telemetrySeq) return 'duplicate';
    runtime.telemetrySeq = p.seq;
    const telemetry: TelemetrySummary = {
      ts: p.ts,
      temperatureC: p.temperatureC,
      cpuPct: p.cpu.usagePct,
      memoryPct: p.memory.usedPct,
      diskPct: p.disk?.usedPct ?? null,
      uptimeS: p.uptimeS,
      display: p.display,
      content: p.content,
      load1: p.cpu.load1,
      memoryTotalMb: p.memory.totalMb,
      diskTotalGb: p.disk?.totalGb ?? null,
      network: p.network,
      ...(p.desired && { desired: p.desired }),
    };
    runtime.screen = {
      ...runtime.screen,
      lastSeen: Math.max(runtime.screen.lastSeen ?? 0, p.ts),
      telemetry,
    };
    this.telemetryHistory.push({
      screen_id: screenId,
      ts: p.ts,
      temperature_c: p.temperatureC,
      cpu_pct: p.cpu.usagePct,
      memory_pct: p.memory.usedPct,
      brightness: p.display.brightness,
      power: p.display.power,
    });
    this.dirty.add(screenId);
    return 'applied';
  }

  /**
   * State history of a write that failed goes back in front of what came since, for the next
   * write: transitions are few and uptime reports count on every one (telemetry is not kept).
   */
  requeueStateHistory(entries: StateHistoryEntry[]): void {
    this.stateHistory = [...entries, ...this.stateHistory];
  }

  /** Marks a screen for the next write again (after a failed write). */
  markDirty(id: string): void {
    if (!this.runtimes.has(id)) return;
    this.dirty.add(id);
    this.full.add(id);
  }

  countByState(): Record<Screen['state'], number> {
    const counts = { online: 0, offline: 0, lost: 0, unknown: 0 };
    for (const r of this.runtimes.values()) if (!r.screen.retired) counts[r.screen.state] += 1;
    return counts;
  }

  /** Hands over everything changed since the last call. */
  takeDirty(): DirtyBatch {
    const screens = [...this.dirty].map((id) => {
      const r = this.runtimes.get(id)!;
      return { screen: r.screen, bootId: r.bootId, full: this.full.has(id) };
    });
    const batch = {
      screens,
      stateHistory: this.stateHistory,
      telemetryHistory: this.telemetryHistory,
    };
    this.dirty = new Set();
    this.full = new Set();
    this.stateHistory = [];
    this.telemetryHistory = [];
    return batch;
  }

  /** After the write: the revs the database assigned; `full` as handed over by takeDirty. */
  setRev(id: string, rev: number, full: boolean): Screen | undefined {
    const runtime = this.runtimes.get(id);
    if (!runtime) return undefined;
    runtime.screen = { ...runtime.screen, rev };
    if (full) runtime.baseRev = rev;
    return runtime.screen;
  }

  /** The rev a telemetry patch of this screen is valid over (see ScreenTelemetryPatch). */
  baseRevOf(id: string): number {
    return this.runtimes.get(id)?.baseRev ?? 0;
  }
}

function registryFields(s: Screen): Partial<Screen> {
  return {
    name: s.name,
    address: s.address,
    lat: s.lat,
    lng: s.lng,
    tags: s.tags,
    retired: s.retired,
  };
}
