/**
 * Electron main process: glue only. The console core (cache, sync, outbox) is plain Node in
 * desktop/src/core; this file opens it, creates the window, wires IPC, native toasts, the tray
 * and idle-based presence, and keeps to one instance.
 */
import path from 'node:path';
import { Notification, app, powerMonitor } from 'electron';
import { openConsoleCore } from '../core/console-core';
import { NotificationPrefs, shouldShowNativeToast } from '../core/notification-policy';
import { registerIpc } from './ipc';
import { SafeTokenStore } from './safe-token-store';
import { openSettings } from './settings';
import { createTray } from './tray';
import { createConsoleWindow } from './window';

/** Seconds of system idle time after which the operator shows as away. */
const AWAY_AFTER_S = 300;

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    const settings = openSettings();
    const userData = app.getPath('userData');
    const core = openConsoleCore(
      path.join(userData, 'console-cache.db'),
      new SafeTokenStore(path.join(userData, 'session-token.bin')),
      process.env.MARQUEE_DEFAULT_SERVER_URL ?? settings.get('serverUrl'),
    );
    const { window, isOwnPage } = createConsoleWindow(settings);
    const unregister = registerIpc(core, window, isOwnPage);
    const tray = createTray(window);

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
      unregister();
      tray.destroy();
      core.close();
    });
    app.on('window-all-closed', () => app.quit());
  });
}
