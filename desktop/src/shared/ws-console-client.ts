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

/** What `public/early-connect.js` leaves for us: a socket opened before the bundle loaded. */
interface EarlySocket {
  socket: WebSocket;
  adopt(): unknown[];
}
/** The id early-connect.js gave its getSnapshot request. */
const EARLY_SNAPSHOT_ID = 0;

type Deferred = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export function connectWebSocketConsoleApi(url: string): ConsoleApi {
  const listeners = new Set<(e: ConsoleEvent) => void>();
  const pending = new Map<number, Deferred>();
  let nextId = EARLY_SNAPSHOT_ID + 1;
  let socket: WebSocket;
  let opened: Promise<void>;
  /** The answer to early-connect.js's getSnapshot: what the app's first getSnapshot returns. */
  let earlySnapshot: Promise<unknown> | null = null;

  const onMessage = (data: unknown) => {
    const frame = JSON.parse(String(data)) as HostFrame;
    if ('event' in frame) {
      for (const l of listeners) l(frame.event);
      return;
    }
    const p = pending.get(frame.id);
    if (!p) return;
    pending.delete(frame.id);
    if (frame.ok) p.resolve(frame.data);
    else p.reject(new ConsoleError(frame.error.code, frame.error.message));
  };

  const onClose = () => {
    // The host went away (restarted): fail what was in flight, then reconnect.
    for (const p of pending.values())
      p.reject(new ConsoleError('unavailable', 'console host closed'));
    pending.clear();
    setTimeout(() => open(true), RECONNECT_DELAY_MS);
  };

  const attach = (ws: WebSocket) => {
    socket = ws;
    opened = new Promise((resolve) => {
      if (ws.readyState === WebSocket.OPEN) resolve();
      else ws.addEventListener('open', () => resolve());
    });
    ws.addEventListener('message', (ev) => onMessage(ev.data));
    ws.addEventListener('close', onClose);
  };

  const open = (reconnect: boolean) => {
    attach(new WebSocket(url));
    // Events may have been missed while the host was away: start again from its current state.
    if (reconnect)
      call('getSnapshot', {}).then(
        (snapshot) => {
          for (const l of listeners) l({ type: 'snapshot', snapshot } as ConsoleEvent);
        },
        () => undefined, // closed again: the next reconnect asks again
      );
  };

  const adoptEarlySocket = (early: EarlySocket): void => {
    earlySnapshot = new Promise((resolve, reject) =>
      pending.set(EARLY_SNAPSHOT_ID, { resolve, reject }),
    );
    earlySnapshot.catch(() => undefined); // a caller sees it; unobserved, it must not warn
    attach(early.socket);
    // Nothing runs between adopt() and here, so no frame is lost or seen twice.
    for (const data of early.adopt()) onMessage(data);
    if (early.socket.readyState >= WebSocket.CLOSING) onClose();
  };

  const call = async (method: ConsoleMethod, params: unknown): Promise<unknown> => {
    if (method === 'getSnapshot' && earlySnapshot) {
      const answer = earlySnapshot;
      earlySnapshot = null;
      return answer;
    }
    await opened;
    const id = nextId++;
    const frame: ClientFrame = { id, method, params };
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify(frame));
    });
  };

  const early = (globalThis as { __marqueeEarlySocket?: EarlySocket }).__marqueeEarlySocket;
  if (early) adoptEarlySocket(early);
  else open(false);

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
