/** The console window with Electron's security defaults, and nothing it may navigate to. */
import path from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import type Store from 'electron-store';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import type { Settings } from './settings';

export function createConsoleWindow(settings: Store<Settings>): {
  window: BrowserWindow;
  isOwnPage(url: string): boolean;
} {
  const bounds = settings.get('windowBounds');
  const window = new BrowserWindow({
    width: bounds?.width ?? 1400,
    height: bounds?.height ?? 900,
    x: bounds?.x,
    y: bounds?.y,
    backgroundColor: '#0f1115',
    title: 'Marquee',
    show: false,
    webPreferences: {
      preload: path.join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const pageFile = path.join(import.meta.dirname, '../renderer/index.html');
  const isOwnPage = (url: string) =>
    devUrl
      ? url.startsWith(devUrl)
      : url.startsWith('file://') &&
        decodeURIComponent(new URL(url).pathname).endsWith('/renderer/index.html');

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
  });
  // Deny every permission request (camera, geolocation, notifications from the page...).
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) =>
    callback(false),
  );
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    // Links out (documentation, a map) open in the real browser, never inside the console.
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });

  window.once('ready-to-show', () => window.show());
  const saveBounds = () => settings.set('windowBounds', window.getBounds());
  window.on('resized', saveBounds);
  window.on('moved', saveBounds);

  if (devUrl) void window.loadURL(devUrl);
  else void window.loadFile(pageFile);
  return { window, isOwnPage };
}
