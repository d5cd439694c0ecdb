/**
 * The console API over a WebSocket (browser host). Requests carry an id and are answered once;
 * events are pushed. Calls made while the socket is (re)connecting wait for it.
 */
import type { ConsoleApi, ConsoleEvent, ConsoleMethod } from './console-api';
import { CONSOLE_METHODS, ConsoleError, type ConsoleErrorShape } from './ipc-contract';

export type HostFrame =
  | { id: number; ok: true; data: unknown }
  | { id: number; ok: false; error: ConsoleErrorShape }
  | { event: ConsoleEvent };

export interface ClientFrame {
  id: number;
  method: ConsoleMethod;
  params: unknown;
}

const RECONNECT_DELAY_MS = 500;

export function connectWebSocketConsoleApi(url: string): ConsoleApi {
  const listeners = new Set<(e: ConsoleEvent) => void>();
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let socket: WebSocket;
  let opened: Promise<void>;

  const open = () => {
    socket = new WebSocket(url);
    opened = new Promise((resolve) => socket.addEventListener('open', () => resolve()));
    socket.addEventListener('message', (ev) => {
      const frame = JSON.parse(String(ev.data)) as HostFrame;
      if ('event' in frame) {
        for (const l of listeners) l(frame.event);
        return;
      }
      const p = pending.get(frame.id);
      if (!p) return;
      pending.delete(frame.id);
      if (frame.ok) p.resolve(frame.data);
      else p.reject(new ConsoleError(frame.error.code, frame.error.message));
    });
    socket.addEventListener('close', () => {
      // The host went away (restarted): fail what was in flight, then reconnect.
      for (const p of pending.values())
        p.reject(new ConsoleError('unavailable', 'console host closed'));
      pending.clear();
      setTimeout(open, RECONNECT_DELAY_MS);
    });
  };
  open();

  const call = async (method: ConsoleMethod, params: unknown): Promise<unknown> => {
    await opened;
    const id = nextId++;
    const frame: ClientFrame = { id, method, params };
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify(frame));
    });
  };

  const api = {
    subscribe(listener: (e: ConsoleEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  } as Record<string, unknown>;
  for (const method of CONSOLE_METHODS) {
    api[method] = (params: unknown) => call(method, params ?? {});
  }
  return api as unknown as ConsoleApi;
}
