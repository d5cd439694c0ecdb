/** What one bench run found; run.ts fills it, report.ts turns it into RESULTS.md and the SVG. */
import type { LatencySummary } from './histogram';
import type { FrameResult, PaintResult } from './browser-bench';

export interface ProcFigures {
  cpuPct: number | null;
  rssMb: number | null;
}

export interface BaselineStep {
  offered: number;
  sent: number;
  delivered: number;
  latency: LatencySummary;
  loadgen: ProcFigures;
  subscriber: ProcFigures;
  broker: ProcFigures;
  loadgenSkipped: number;
  behind: boolean;
}

export interface ServerStep {
  offered: number;
  sent: number;
  ingested: number;
  rejected: Record<string, number>;
  dropped: Record<string, number>;
  consoleScreensPerS: number;
  consoleBatchesPerS: number;
  consoleMinShare: number | null;
  latency: LatencySummary;
  coreLatency: LatencySummary;
  coreScreensPerS: number;
  server: ProcFigures & { peakRssMb: number | null };
  loadgen: ProcFigures;
  consoles: ProcFigures;
  core: ProcFigures;
  broker: ProcFigures;
  db: { batches: number; rows: number; avgRows: number | null; avgMs: number | null };
  fanoutLagAvgMs: number | null;
  pendingAtEnd: number;
  loadgenSkipped: number;
  behind: boolean;
  behindReason: string | null;
}

export interface RunResults {
  mode: 'short' | 'full';
  startedAt: string;
  durationS: number;
  commands: string[];
  machine: {
    nproc: number;
    memGb: number;
    node: string;
    mosquitto: string;
    kernel: string;
    cpu: string;
  };
  setup: {
    brokerUrl: string;
    brokerKind: string;
    db: string;
    screens: number;
    connections: number;
    screensPerConnection: number;
    consoles: number;
    tickMs: number;
    warmupS: number;
    stepS: number;
    prefix: string;
    payloadBytes: number;
    profiled: boolean;
  };
  provisioning: { screens: number; ms: number } | null;
  memory: {
    idleRssMb: number;
    loadedRssMb: number;
    screens: number;
    perScreenKb: number;
  } | null;
  baseline: BaselineStep[];
  server: ServerStep[];
  embedded: {
    screens: number;
    connections: number;
    steps: ServerStep[];
    error: string | null;
  } | null;
  console: {
    screens: number;
    offline: PaintResult | null;
    live: PaintResult | null;
    idleFrames: FrameResult | null;
    updateFrames: FrameResult | null;
    updateRate: number;
    updateS: number;
    hostCpuPct: number | null;
    error: string | null;
  } | null;
  agent: {
    runner: string;
    seconds: number;
    intervalS: number;
    maxRssMb: number | null;
    avgCpuPct: number | null;
    telemetrySeen: number;
    error: string | null;
  } | null;
  profile: {
    file: string;
    top: { fn: string; where: string; selfPct: number; selfMs: number }[];
  } | null;
  notes: string[];
}
