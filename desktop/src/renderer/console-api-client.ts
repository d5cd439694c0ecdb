/**
 * Where the renderer gets its console API. Under Electron the preload has put it on
 * `window.marquee` (IPC); in a browser the browser host serves this page and carries the same
 * API over a WebSocket on its own origin. Nothing else in the renderer knows the difference.
 */
import type { ConsoleApi } from '../shared/console-api';
import { connectWebSocketConsoleApi } from '../shared/ws-console-client';

declare global {
  interface Window {
    marquee?: ConsoleApi;
  }
}

export const consoleApi: ConsoleApi =
  window.marquee ??
  connectWebSocketConsoleApi(
    `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/console-api`,
  );
