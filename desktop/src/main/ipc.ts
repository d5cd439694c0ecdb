/**
 * The console API over IPC. One invoke channel carries every method (validated by the core
 * with the contract's schemas); one event channel carries core events to the window. Calls
 * are answered only for the console's own window and its own page.
 */
import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import {
  ConsoleError,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type ConsoleErrorShape,
} from '../shared/console-api';
import type { ConsoleCore } from '../core/console-core';

/** A call is answered only when it comes from the console's own window showing its own page. */
export function isTrustedSender(
  event: IpcMainInvokeEvent,
  window: BrowserWindow,
  isOwnPage: (url: string) => boolean,
): boolean {
  return (
    event.sender === window.webContents &&
    event.senderFrame !== null &&
    isOwnPage(event.senderFrame.url)
  );
}

export function registerIpc(
  core: ConsoleCore,
  window: BrowserWindow,
  isOwnPage: (url: string) => boolean,
): () => void {
  const isTrusted = (event: IpcMainInvokeEvent) => isTrustedSender(event, window, isOwnPage);

  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, params: unknown) => {
    if (!isTrusted(event)) {
      return {
        ok: false,
        error: { code: 'forbidden', message: 'untrusted sender' } satisfies ConsoleErrorShape,
      };
    }
    try {
      return { ok: true, data: await core.invoke(String(method), params) };
    } catch (err) {
      const code = err instanceof ConsoleError ? err.code : 'internal';
      return {
        ok: false,
        error: { code, message: (err as Error).message } satisfies ConsoleErrorShape,
      };
    }
  });
  const unsubscribe = core.subscribe((event) => {
    if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
  };
}
