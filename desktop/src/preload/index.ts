/**
 * The preload: exposes the typed console API to the renderer and nothing else (no ipcRenderer,
 * no Node). Runs sandboxed with contextIsolation.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { ConsoleApi, ConsoleEvent } from '../shared/console-api';
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
