/**
 * The desktop shell's IPC channel (shared/desktop-contract.ts): status of updates and of the
 * kept sign-in, a manual check, restart to install. Same rule as the console API: answered
 * only for the console's own window and page; anything else is refused.
 */
import { ipcMain, type BrowserWindow } from 'electron';
import {
  DESKTOP_EVENT_CHANNEL,
  DESKTOP_INVOKE_CHANNEL,
  DESKTOP_METHODS,
  type DesktopEvent,
  type DesktopMethod,
  type DesktopMethods,
  type DesktopStatus,
} from '../shared/desktop-contract';
import type { ConsoleErrorShape } from '../shared/ipc-contract';
import { isTrustedSender } from './ipc';
import type { Updates } from './updates';

type Handlers = { [M in DesktopMethod]: () => Promise<DesktopMethods[M][1]> };

export function registerDesktopIpc(
  window: BrowserWindow,
  isOwnPage: (url: string) => boolean,
  parts: { updates: Updates; status: () => DesktopStatus },
): { unregister(): void; statusChanged(): void } {
  const handlers: Handlers = {
    getDesktopStatus: () => Promise.resolve(parts.status()),
    checkForUpdates: () => parts.updates.check(),
    restartToUpdate: () => Promise.resolve({ restarting: parts.updates.restartToInstall() }),
  };
  ipcMain.handle(DESKTOP_INVOKE_CHANNEL, async (event, method: unknown) => {
    if (!isTrustedSender(event, window, isOwnPage)) {
      return {
        ok: false,
        error: { code: 'forbidden', message: 'untrusted sender' } satisfies ConsoleErrorShape,
      };
    }
    if (!DESKTOP_METHODS.includes(method as DesktopMethod)) {
      return {
        ok: false,
        error: {
          code: 'invalid',
          message: `unknown desktop method ${String(method)}`,
        } satisfies ConsoleErrorShape,
      };
    }
    return { ok: true, data: await handlers[method as DesktopMethod]() };
  });
  return {
    unregister: () => ipcMain.removeHandler(DESKTOP_INVOKE_CHANNEL),
    statusChanged: () => {
      const event: DesktopEvent = { type: 'status', status: parts.status() };
      if (!window.isDestroyed()) window.webContents.send(DESKTOP_EVENT_CHANNEL, event);
    },
  };
}
