/**
 * The preload: exposes the typed console API (`window.marquee`) and the desktop shell's
 * (`window.marqueeDesktop`: updates, kept sign-in) to the renderer and nothing else (no
 * ipcRenderer, no Node). Runs sandboxed with contextIsolation.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ConsoleApi, ConsoleEvent } from '../shared/console-api';
import {
  DESKTOP_EVENT_CHANNEL,
  DESKTOP_INVOKE_CHANNEL,
  DESKTOP_METHODS,
  type DesktopApi,
  type DesktopEvent,
} from '../shared/desktop-contract';
import {
  CONSOLE_METHODS,
  ConsoleError,
  IPC_EVENT_CHANNEL,
  IPC_INVOKE_CHANNEL,
  type ConsoleErrorShape,
} from '../shared/ipc-contract';

type Reply = { ok: true; data: unknown } | { ok: false; error: ConsoleErrorShape };

const api: Record<string, unknown> = {
  subscribe(listener: (event: ConsoleEvent) => void) {
    const handler = (_e: unknown, event: ConsoleEvent) => listener(event);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
  },
};
for (const method of CONSOLE_METHODS) {
  api[method] = async (params: unknown) => {
    const reply = (await ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, params ?? {})) as Reply;
    if (!reply.ok) throw new ConsoleError(reply.error.code, reply.error.message);
    return reply.data;
  };
}

contextBridge.exposeInMainWorld('marquee', api as unknown as ConsoleApi);

const desktop: Record<string, unknown> = {
  subscribe(listener: (event: DesktopEvent) => void) {
    const handler = (_e: unknown, event: DesktopEvent) => listener(event);
    ipcRenderer.on(DESKTOP_EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(DESKTOP_EVENT_CHANNEL, handler);
  },
};
for (const method of DESKTOP_METHODS) {
  desktop[method] = async () => {
    const reply = (await ipcRenderer.invoke(DESKTOP_INVOKE_CHANNEL, method)) as Reply;
    if (!reply.ok) throw new ConsoleError(reply.error.code, reply.error.message);
    return reply.data;
  };
}
contextBridge.exposeInMainWorld('marqueeDesktop', desktop as unknown as DesktopApi);
