/**
 * Electron glue for updates: electron-updater against the configured generic feed
 * (update-feed.ts), its events turned into one status (update-tracker.ts). Nothing is loaded
 * or fetched while updates are off. A downloaded update installs when the operator chooses
 * "Restart to install", or at the next quit.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { UpdateStatus } from '../shared/desktop-contract';
import { builtInFeedFrom, chooseUpdateFeed } from './update-feed';
import { UpdateTracker } from './update-tracker';

/** How often a running console checks again. */
const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

export interface Updates {
  status(): UpdateStatus;
  check(): Promise<UpdateStatus>;
  restartToInstall(): boolean;
  stop(): void;
}

export async function startUpdates(options: {
  isPackaged: boolean;
  setting: string | null | undefined;
  resourcesPath: string;
  onChange: (status: UpdateStatus) => void;
}): Promise<Updates> {
  let builtIn: string | null = null;
  try {
    builtIn = builtInFeedFrom(
      fs.readFileSync(path.join(options.resourcesPath, 'app-update.yml'), 'utf8'),
    );
  } catch {
    builtIn = null; // no feed baked into this build
  }
  const feed = chooseUpdateFeed({
    isPackaged: options.isPackaged,
    setting: options.setting,
    env: process.env.MARQUEE_UPDATE_URL,
    builtIn,
  });
  if (!feed.on) {
    const off: UpdateStatus = { state: 'off', reason: feed.reason };
    return {
      status: () => off,
      check: () => Promise.resolve(off),
      restartToInstall: () => false,
      stop: () => undefined,
    };
  }

  const { default: electronUpdater } = await import('electron-updater');
  const updater = electronUpdater.autoUpdater;
  updater.setFeedURL({ provider: 'generic', url: feed.url });
  updater.autoDownload = true;
  updater.autoInstallOnAppQuit = true;
  const tracker = new UpdateTracker(updater, feed.url, options.onChange, (line) =>
    console.warn(line),
  );
  // Failures arrive as 'error' events too (the tracker words them); the promise is only awaited
  // so that nothing is left unhandled.
  const check = async () => {
    await updater.checkForUpdates().catch(() => undefined);
    return tracker.status();
  };
  void check();
  const timer = setInterval(() => void check(), CHECK_EVERY_MS);
  return {
    status: () => tracker.status(),
    check,
    restartToInstall: () => {
      if (tracker.status().state !== 'ready') return false;
      updater.quitAndInstall();
      return true;
    },
    stop: () => clearInterval(timer),
  };
}
