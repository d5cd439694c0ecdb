/** A tray icon that shows the unread count and brings the console back. */
import path from 'node:path';
import { Menu, Tray, app, nativeImage, type BrowserWindow } from 'electron';

export function createTray(window: BrowserWindow): {
  setUnread(count: number): void;
  destroy(): void;
} {
  // Packaged: electron-builder copies resources/icons next to the app (extraResources).
  // From a checkout: desktop/out/main → the repository's resources/icons.
  const file = app.isPackaged
    ? path.join(process.resourcesPath, 'icons/tray.png')
    : path.join(import.meta.dirname, '../../../resources/icons/tray.png');
  const icon = nativeImage.createFromPath(file);
  const tray = new Tray(
    icon.isEmpty() ? nativeImage.createEmpty() : icon.resize({ width: 16, height: 16 }),
  );
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Marquee', click: () => window.show() },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
  tray.on('click', () => window.show());
  const setUnread = (count: number) => {
    tray.setToolTip(count > 0 ? `Marquee — ${count} unread` : 'Marquee');
    if (process.platform === 'darwin') tray.setTitle(count > 0 ? String(count) : '');
    app.setBadgeCount(count);
  };
  setUnread(0);
  return { setUnread, destroy: () => tray.destroy() };
}
