/**
 * The console in a real Chromium (playwright-core), served by the browser host: time from
 * navigation start to the fleet painted from the cache, and requestAnimationFrame intervals
 * while screens update. Everything is measured inside the page (performance.now(), whose
 * origin is the navigation start).
 */
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { percentiles } from './histogram';
import { sleep } from './proc';

export function chromiumPath(): string | null {
  const p = process.env.MARQUEE_CHROMIUM ?? '/usr/bin/chromium';
  return fs.existsSync(p) ? p : null;
}

export interface PaintResult {
  /** ms from navigation start to the first screen tile visible in the viewport. */
  firstTileMs: number | null;
  /** ms from navigation start to a tile visible and the online counter at the expected count. */
  paintedMs: number | null;
  /** What the online counter showed at the end (for a failed wait). */
  onlineShown: string | null;
  tilesInDom: number;
  domContentLoadedMs: number | null;
}

export interface FrameResult {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
  mean: number | null;
  over17: number;
  over33: number;
  longTasks: number;
  longTaskMs: number;
}

interface BenchState {
  firstTile: number | null;
  painted: number | null;
  frames: number[];
  collecting: boolean;
  last: number;
  longTasks: number[];
}

/**
 * Runs in the page before any of its scripts. A string, not a function: tsx (esbuild
 * keepNames) would wrap nested functions in a `__name` helper that does not exist in the page.
 */
const pageProbe = (expected: number) => `(() => {
  const b = { firstTile: null, painted: null, frames: [], collecting: false, last: 0, longTasks: [] };
  window.__bench = b;
  const visible = (el) => {
    if (!el) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight;
  };
  const countOk = () => {
    const el = document.querySelector('[data-testid="fleet-count-online"]');
    if (!el) return false;
    return Number((el.textContent || '').replace(/[^0-9]/g, '')) === ${expected};
  };
  const loop = (t) => {
    if (b.firstTile === null && visible(document.querySelector('[data-testid="screen-tile"]')))
      b.firstTile = performance.now();
    if (b.painted === null && b.firstTile !== null && countOk()) b.painted = performance.now();
    if (b.collecting) {
      if (b.last) b.frames.push(t - b.last);
      b.last = t;
    }
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) {
    // longtask entries are a Chromium extra; frames are the measure
  }
})();`;

export class BrowserBench {
  private constructor(private readonly browser: Browser) {}

  static async launch(executablePath: string): Promise<BrowserBench> {
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-background-timer-throttling',
        '--disable-renderer-backgrounding',
      ],
    });
    return new BrowserBench(browser);
  }

  async open(
    url: string,
    expectedOnline: number,
    timeoutMs = 30_000,
  ): Promise<{ page: Page; paint: PaintResult; close(): Promise<void> }> {
    const context = await this.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript({ content: pageProbe(expectedOnline) });
    const page = await context.newPage();
    await page.goto(`${url}/#/screens`, { waitUntil: 'commit' });
    const deadline = Date.now() + timeoutMs;
    let done = false;
    while (!done && Date.now() < deadline) {
      done = await page
        .evaluate(() => (window as unknown as { __bench?: BenchState }).__bench?.painted != null)
        .catch(() => false);
      if (!done) await sleep(50);
    }
    const paint = await page.evaluate(() => {
      const b = (window as unknown as { __bench: BenchState }).__bench;
      const nav = performance.getEntriesByType('navigation')[0] as
        PerformanceNavigationTiming | undefined;
      return {
        firstTileMs: b.firstTile,
        paintedMs: b.painted,
        onlineShown:
          document.querySelector('[data-testid="fleet-count-online"]')?.textContent ?? null,
        tilesInDom: document.querySelectorAll('[data-testid="screen-tile"]').length,
        domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null,
      };
    });
    return { page, paint, close: () => context.close() };
  }

  static async frames(page: Page, seconds: number): Promise<FrameResult> {
    await page.evaluate(() => {
      const b = (window as unknown as { __bench: BenchState }).__bench;
      b.frames = [];
      b.longTasks = [];
      b.last = 0;
      b.collecting = true;
    });
    await sleep(seconds * 1000);
    const { frames, longTasks } = await page.evaluate(() => {
      const b = (window as unknown as { __bench: BenchState }).__bench;
      b.collecting = false;
      return { frames: b.frames, longTasks: b.longTasks };
    });
    return {
      ...percentiles(frames),
      over17: frames.filter((f) => f > 17.5).length,
      over33: frames.filter((f) => f > 33.4).length,
      longTasks: longTasks.length,
      longTaskMs: longTasks.reduce((a, b) => a + b, 0),
    };
  }

  close(): Promise<void> {
    return this.browser.close();
  }
}
