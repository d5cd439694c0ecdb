/**
 * Turns electron-updater's events into the one `UpdateStatus` the console shows. The updater
 * is injected (anything with electron-updater's event names), so this is tested in Node
 * with a plain EventEmitter.
 */
import type { UpdateStatus } from '../shared/desktop-contract';

export interface UpdaterEvents {
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'update-not-available', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number }) => void): unknown;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

/** An updater failure as a sentence an operator can act on (the technical text is logged). */
export function updateErrorSentence(error: Error, feedUrl: string): string {
  const text = `${(error as { code?: string }).code ?? ''} ${error.message}`;
  if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|net::ERR_/.test(text)) {
    return `Could not reach the update feed at ${feedUrl}. Updates are checked again later.`;
  }
  if (/404|Cannot find latest|cannot find channel/i.test(text)) {
    return `The update feed at ${feedUrl} has no release for this platform.`;
  }
  if (/sha512 checksum mismatch|signature|not signed|code signature/i.test(text)) {
    return 'The downloaded update failed its signature or checksum check and was not installed.';
  }
  return `Could not check for updates: ${error.message.split('\n')[0]}`;
}

export class UpdateTracker {
  private current: UpdateStatus;
  private pending: string | null = null;

  constructor(
    updater: UpdaterEvents,
    private readonly feedUrl: string,
    private readonly onChange: (status: UpdateStatus) => void,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.current = { state: 'checking' };
    updater.on('checking-for-update', () => {
      // A check while an update waits to be installed must not hide that it is ready.
      if (this.current.state !== 'ready') this.set({ state: 'checking' });
    });
    updater.on('update-not-available', (info) =>
      this.set({ state: 'upToDate', version: info.version }),
    );
    updater.on('update-available', (info) => {
      this.pending = info.version;
      this.set({ state: 'downloading', version: info.version, percent: 0 });
    });
    updater.on('download-progress', (progress) => {
      if (this.pending)
        this.set({
          state: 'downloading',
          version: this.pending,
          percent: Math.max(0, Math.min(100, Math.round(progress.percent))),
        });
    });
    updater.on('update-downloaded', (info) => this.set({ state: 'ready', version: info.version }));
    updater.on('error', (error) => {
      this.log(`[marquee] update check failed: ${error.stack ?? error.message}`);
      this.set({ state: 'error', message: updateErrorSentence(error, this.feedUrl) });
    });
  }

  status(): UpdateStatus {
    return this.current;
  }

  private set(status: UpdateStatus): void {
    this.current = status;
    this.onChange(status);
  }
}
