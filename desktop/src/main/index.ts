/**
 * Electron main process: glue only. The console core (cache, sync, outbox) is plain Node in
 * desktop/src/core; this file opens it, serves the renderer from app://marquee/, creates the
 * window, wires IPC, native toasts, the tray, idle-based presence and updates, and keeps to
 * one instance.
 */
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Notification, app, powerMonitor, protocol, safeStorage } from 'electron';
import { openConsoleCore } from '../core/console-core';
import { NotificationPrefs, shouldShowNativeToast } from '../core/notification-policy';
import type { DesktopStatus } from '../shared/desktop-contract';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './app-protocol';
import { registerDesktopIpc } from './desktop-ipc';
import { linkPolicyFrom } from './external-links';
import { registerIpc } from './ipc';
import { SafeTokenStore } from './safe-token-store';
import { openSettings } from './settings';
import { createTray } from './tray';
import { startUpdates } from './updates';
import { createConsoleWindow } from './window';

// Must happen before 'ready': the scheme's privileges are fixed when Chromium starts.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// Every web contents (also any the console never meant to make) gets the same rules: no
// navigation away, no new windows.
app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
});

/** Seconds of system idle time after which the operator shows as away. */
const AWAY_AFTER_S = 300;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(async () => {
    protocol.handle(
      APP_SCHEME,
      // Callback-style fs, promisified: Electron's ASAR support covers these for certain.
      createAppProtocolHandler(path.join(import.meta.dirname, '../renderer'), {
        realpath: promisify(fs.realpath),
        readFile: promisify(fs.readFile),
      }),
    );
    const settings = openSettings();
    const userData = app.getPath('userData');
    const tokens = new SafeTokenStore(path.join(userData, 'session-token.bin'), safeStorage);
    const serverUrl = process.env.MARQUEE_DEFAULT_SERVER_URL ?? settings.get('serverUrl');
    const core = openConsoleCore(path.join(userData, 'console-cache.db'), tokens, serverUrl);
    const { window, isOwnPage } = createConsoleWindow(
      settings,
      linkPolicyFrom(process.env, serverUrl),
    );
    const unregister = registerIpc(core, window, isOwnPage);
    const tray = createTray(window);

    const decision = tokens.decision();
    if (!decision.keep) console.warn(`[marquee] ${decision.reason}`);
    let desktopIpc: ReturnType<typeof registerDesktopIpc> | null = null;
    const updates = await startUpdates({
      isPackaged: app.isPackaged,
      setting: settings.get('updateUrl'),
      resourcesPath: process.resourcesPath,
      onChange: () => desktopIpc?.statusChanged(),
    });
    const desktopStatus = (): DesktopStatus => {
      const kept = tokens.decision();
      return {
        appVersion: app.getVersion(),
        updates: updates.status(),
        signIn: kept.keep ? { kept: true } : { kept: false, reason: kept.reason },
      };
    };
    desktopIpc = registerDesktopIpc(window, isOwnPage, { updates, status: desktopStatus });

    const unread = () => core.cache.notifications().filter((n) => !n.readAt).length;
    core.subscribe((event) => {
      if (
        event.type === 'notification' ||
        event.type === 'notifications' ||
        event.type === 'snapshot'
      )
        tray.setUnread(unread());
      if (event.type !== 'notification' || !event.toast) return;
      const prefs = NotificationPrefs.parse(settings.get('notifications'));
      if (!shouldShowNativeToast(prefs, event.notification.kind, window.isFocused(), new Date()))
        return;
      const toast = new Notification({
        title: event.notification.title,
        body: event.notification.body,
      });
      toast.on('click', () => window.show());
      toast.show();
    });

    let away = false;
    const idleTimer = setInterval(() => {
      const idle = powerMonitor.getSystemIdleTime() >= AWAY_AFTER_S;
      if (idle !== away) {
        away = idle;
        void core
          .invoke('setPresence', { status: idle ? 'away' : 'online' })
          .catch(() => undefined);
      }
    }, 15_000);

    app.on('second-instance', () => {
      if (window.isMinimized()) window.restore();
      window.show();
      window.focus();
    });
    app.on('before-quit', () => {
      clearInterval(idleTimer);
      updates.stop();
      desktopIpc?.unregister();
      unregister();
      tray.destroy();
      core.close();
    });
    app.on('window-all-closed', () => app.quit());
  });
}
