/**
 * The agent's screenshots: takes one for the `screenshot` command and uploads it (the result
 * names the stored screenshot's id), and watches the screen every `watchIntervalMs` for a blank
 * or frozen picture (./detector.ts), reporting faults through the durable event queue like any
 * other fault, with the capture that raised one uploaded as its evidence. Captures never
 * overlap: one at a time, queued.
 */
import type { DisplayPower } from '../../../protocol';
import type { AgentConfig } from '../config';
import { errorText, type Logger } from '../log';
import type { Player, PlayerEvent } from '../player/player';
import { lumaGrid } from './analyse';
import { runCapture } from './capture';
import { BlankFrozenDetector } from './detector';
import { readCapture, uploadable, type Captured } from './image';
import { uploadScreenshot } from './upload';

/** Without a capture command, watching is off unless asked for (a simulated fleet renders). */
const DEFAULT_WATCH_MS = 60_000;

export interface ScreenshotServiceDeps {
  config: AgentConfig;
  player: Player;
  report(event: PlayerEvent): void;
  /** The display power last reported (null: unknown). */
  displayPower(): DisplayPower | null;
  log: Logger;
  now?: () => number;
}

export interface ScreenshotService {
  /** Whether this agent can take screenshots at all (a capture command or the player's own). */
  readonly available: boolean;
  /** Captures and uploads for a command; resolves with the result's detail. */
  take(commandId: string, signal: AbortSignal): Promise<string>;
  start(): void;
  stop(): void;
}

export function createScreenshotService(deps: ScreenshotServiceDeps): ScreenshotService {
  const { config, player, log } = deps;
  const now = deps.now ?? Date.now;
  const settings = config.screenshots;
  const spec = settings.capture;
  const source: ((signal?: AbortSignal) => Promise<Buffer>) | null = spec
    ? (signal) => runCapture(spec, signal)
    : player.capture
      ? () => player.capture!()
      : null;
  const watchMs = settings.watchIntervalMs ?? (spec ? DEFAULT_WATCH_MS : 0);
  const detector = new BlankFrozenDetector(settings);
  let chain: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let lastUpload = 0;
  let lastProblem = '';
  let warnedJpeg = false;

  /** One capture at a time: each waits for the one before. */
  function capture(signal?: AbortSignal): Promise<{ shot: Captured; at: number }> {
    const run = chain.then(async () => {
      if (!source) throw new Error('no screenshot capture is configured (screenshots.capture)');
      const at = now();
      return { shot: readCapture(await source(signal)), at };
    });
    chain = run.catch(() => undefined);
    return run;
  }

  /** Judges a capture; returns whether it raised a fault. */
  function judge(shot: Captured, at: number): boolean {
    const power = deps.displayPower();
    const events =
      power !== null && power !== 'on'
        ? detector.reset()
        : shot.pixels
          ? detector.observe(lumaGrid(shot.pixels), at)
          : [];
    if (!shot.pixels && !warnedJpeg) {
      warnedJpeg = true;
      log.warn('the capture writes JPEG: blank/frozen detection needs PNG or XWD');
    }
    for (const e of events) deps.report(e);
    return events.some((e) => e.kind === 'fault');
  }

  async function upload(
    shot: Captured,
    at: number,
    trigger: 'command' | 'fault' | 'agent',
    commandId?: string,
    signal?: AbortSignal,
  ) {
    const image = uploadable(shot);
    const meta = await uploadScreenshot(
      config,
      { ...image, capturedAt: at, trigger, commandId },
      signal,
    );
    lastUpload = now();
    return meta;
  }

  async function watchOnce(): Promise<void> {
    const { shot, at } = await capture();
    const raised = judge(shot, at);
    const periodic = settings.uploadEveryMs > 0 && now() - lastUpload >= settings.uploadEveryMs;
    if ((raised && settings.uploadFaultEvidence) || periodic)
      await upload(shot, at, raised ? 'fault' : 'agent');
    lastProblem = '';
  }

  function schedule() {
    if (stopped || watchMs === 0) return;
    timer = setTimeout(() => {
      watchOnce()
        .catch((err: unknown) => {
          // Said once per distinct problem, not once a minute for ever.
          const text = errorText(err);
          if (text !== lastProblem) log.warn('screen capture failed', { error: text });
          lastProblem = text;
        })
        .finally(schedule);
    }, watchMs);
    timer.unref?.();
  }

  return {
    available: source !== null,
    async take(commandId, signal) {
      const { shot, at } = await capture(signal);
      judge(shot, at);
      const meta = await upload(shot, at, 'command', commandId, signal);
      return `screenshot ${meta.id} uploaded (${meta.width}x${meta.height}, captured ${new Date(at).toISOString()})`;
    },
    start() {
      if (source && watchMs > 0) {
        log.info('watching the screen for blank or frozen pictures', { everyMs: watchMs });
        schedule();
      }
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
