/**
 * Updates: the feed is chosen from the setting, MARQUEE_UPDATE_URL or the build (off unless one
 * is there), and electron-updater's events become the one status the console shows. The
 * updater is injected: here a plain EventEmitter firing electron-updater's event names.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { UpdateStatus } from '../src/shared/desktop-contract';
import { builtInFeedFrom, chooseUpdateFeed } from '../src/main/update-feed';
import { UpdateTracker, type UpdaterEvents } from '../src/main/update-tracker';

describe('update feed', () => {
  it('is off unless configured, and off for a checkout', () => {
    expect(chooseUpdateFeed({ isPackaged: true })).toEqual({
      on: false,
      reason:
        'Updates off: no update feed is configured (MARQUEE_UPDATE_URL or the updateUrl setting).',
    });
    expect(chooseUpdateFeed({ isPackaged: false, env: 'https://u.example/marquee' })).toEqual({
      on: false,
      reason: 'Updates off: this is not an installed build.',
    });
  });

  it('takes the setting, then the environment, then the build', () => {
    const all = {
      isPackaged: true,
      setting: 'https://it.example/feed',
      env: 'https://env.example/feed/',
      builtIn: 'https://build.example/feed',
    };
    expect(chooseUpdateFeed(all)).toEqual({
      on: true,
      url: 'https://it.example/feed/',
      source: 'setting',
    });
    expect(chooseUpdateFeed({ ...all, setting: null })).toMatchObject({
      url: 'https://env.example/feed/',
      source: 'environment',
    });
    expect(chooseUpdateFeed({ ...all, setting: ' ', env: '' })).toMatchObject({
      source: 'build',
    });
  });

  it('refuses a feed that is not https (loopback http only, for a local test feed)', () => {
    expect(chooseUpdateFeed({ isPackaged: true, env: 'http://updates.example/' })).toEqual({
      on: false,
      reason: 'Updates off: the update feed http://updates.example/ is not https.',
    });
    expect(chooseUpdateFeed({ isPackaged: true, env: 'nonsense' })).toEqual({
      on: false,
      reason: 'Updates off: the update feed "nonsense" is not a URL.',
    });
    expect(chooseUpdateFeed({ isPackaged: true, env: 'http://127.0.0.1:8080/f' })).toMatchObject({
      on: true,
    });
  });

  it('reads the generic feed electron-builder bakes into app-update.yml', () => {
    expect(
      builtInFeedFrom(
        'provider: generic\nurl: https://updates.example/marquee\nupdaterCacheDirName: marquee-updater\n',
      ),
    ).toBe('https://updates.example/marquee');
    expect(builtInFeedFrom('owner: x\nrepo: y\nprovider: github\n')).toBeNull();
    expect(builtInFeedFrom(null)).toBeNull();
  });
});

describe('update status', () => {
  const track = () => {
    const updater = new EventEmitter();
    const seen: UpdateStatus[] = [];
    const logged: string[] = [];
    const tracker = new UpdateTracker(
      updater as unknown as UpdaterEvents,
      'https://updates.example/marquee/',
      (s) => seen.push(s),
      (l) => logged.push(l),
    );
    return { updater, tracker, seen, logged };
  };

  it('goes checking → up to date', () => {
    const { updater, tracker } = track();
    updater.emit('checking-for-update');
    expect(tracker.status()).toEqual({ state: 'checking' });
    updater.emit('update-not-available', { version: '0.1.0' });
    expect(tracker.status()).toEqual({ state: 'upToDate', version: '0.1.0' });
  });

  it('goes available → downloading → ready, and a later check keeps "ready"', () => {
    const { updater, tracker, seen } = track();
    updater.emit('checking-for-update');
    updater.emit('update-available', { version: '0.2.0' });
    updater.emit('download-progress', { percent: 41.6 });
    updater.emit('update-downloaded', { version: '0.2.0' });
    updater.emit('checking-for-update');
    expect(seen).toEqual([
      { state: 'checking' },
      { state: 'downloading', version: '0.2.0', percent: 0 },
      { state: 'downloading', version: '0.2.0', percent: 42 },
      { state: 'ready', version: '0.2.0' },
    ]);
    expect(tracker.status()).toEqual({ state: 'ready', version: '0.2.0' });
  });

  it('words failures as sentences and logs the technical text', () => {
    const { updater, tracker, logged } = track();
    const offline = Object.assign(new Error('getaddrinfo ENOTFOUND updates.example'), {
      code: 'ENOTFOUND',
    });
    updater.emit('error', offline);
    expect(tracker.status()).toEqual({
      state: 'error',
      message:
        'Could not reach the update feed at https://updates.example/marquee/. Updates are checked again later.',
    });
    expect(logged[0]).toContain('ENOTFOUND');
    updater.emit(
      'error',
      new Error('Cannot find latest-linux.yml in the latest release artifacts (HttpError: 404)'),
    );
    expect(tracker.status()).toEqual({
      state: 'error',
      message:
        'The update feed at https://updates.example/marquee/ has no release for this platform.',
    });
    updater.emit('error', new Error('sha512 checksum mismatch, expected abc'));
    expect(tracker.status()).toMatchObject({
      message:
        'The downloaded update failed its signature or checksum check and was not installed.',
    });
    updater.emit('error', new Error('something odd\nstack'));
    expect(tracker.status()).toMatchObject({
      message: 'Could not check for updates: something odd',
    });
  });
});
