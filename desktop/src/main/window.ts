/** The console window with Electron's security defaults, and nothing it may navigate to. */
import path from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import type Store from 'electron-store';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { APP_ENTRY_URL, isAppUrl } from './app-protocol';
import { openExternalLink, type LinkPolicy } from './external-links';
import type { Settings } from './settings';

export function createConsoleWindow(
  settings: Store<Settings>,
  linkPolicy: LinkPolicy,
): {
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
  // The built renderer is served from app://marquee/ (app-protocol.ts), never from file://.
  const isOwnPage = (url: string) => (devUrl ? url.startsWith(devUrl) : isAppUrl(url));
  const openLink = (url: string) =>
    void openExternalLink(url, linkPolicy, (u) => shell.openExternal(u), console.warn);

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
  // The page never navigates away; a link out opens in the system browser when it is on the
  // allow-list (external-links.ts), and never inside the console.
  window.webContents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (!isOwnPage(url)) openLink(url);
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    openLink(url);
    return { action: 'deny' };
  });

  window.once('ready-to-show', () => window.show());
  const saveBounds = () => settings.set('windowBounds', window.getBounds());
  window.on('resized', saveBounds);
  window.on('moved', saveBounds);

  if (devUrl) void window.loadURL(devUrl);
  else void window.loadURL(APP_ENTRY_URL);
  return { window, isOwnPage };
}
