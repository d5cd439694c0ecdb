/**
 * The console API over a WebSocket (browser host). Requests carry an id and are answered once;
 * events are pushed. Calls made while the socket is (re)connecting wait for it.
 *
 * The page must know when its host is gone (killed with the server by Ctrl+C, or frozen): the
 * core's last `connection` would otherwise keep saying "Live". So the client tells its
 * listeners `{type: 'host', reachable}` — false when the socket closes or when the host stops
 * answering the heartbeat (a socket can stay open to a frozen process), true when it is back —
 * and keeps reconnecting; a reconnect fetches a fresh snapshot.
 */
import type { ConsoleApi, ConsoleEvent, ConsoleMethod } from './console-api';
import { CONSOLE_METHODS, ConsoleError, type ConsoleErrorShape } from './ipc-contract';

export type HostFrame =
  | { id: number; ok: true; data: unknown }
  | { id: number; ok: false; error: ConsoleErrorShape }
  | { event: ConsoleEvent };

export interface ClientFrame {
  id: number;
  method: ConsoleMethod | typeof HOST_PING;
  params: unknown;
}

/** Answered by the host itself with `{id, ok: true, data: null}`: proof that it is alive. */
export const HOST_PING = 'hostPing';

const RECONNECT_DELAY_MS = 500;
/** Quiet for this long, the client asks the host whether it is still there. */
const HEARTBEAT_IDLE_MS = 1000;
/** No frame this long after asking: the host is unreachable (detected within ~3.5 s). */
const HEARTBEAT_TIMEOUT_MS = 2000;

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
  /** The current socket; null between losing one and opening the next. */
  let socket: WebSocket | null = null;
  /** Calls waiting for a socket that is open. */
  let openWaiters: (() => void)[] = [];
  /** What listeners were last told (null: nothing yet; the page starts assuming reachable). */
  let reachable: boolean | null = null;
  let lastFrameAt = Date.now();
  let pingSentAt: number | null = null;
  /** The answer to early-connect.js's getSnapshot: what the app's first getSnapshot returns. */
  let earlySnapshot: Promise<unknown> | null = null;

  const tell = (event: ConsoleEvent) => {
    for (const l of listeners) l(event);
  };
  const setReachable = (value: boolean) => {
    if (reachable === value) return;
    reachable = value;
    tell({ type: 'host', reachable: value });
  };

  const onMessage = (data: unknown) => {
    lastFrameAt = Date.now();
    pingSentAt = null;
    const frame = JSON.parse(String(data)) as HostFrame;
    if ('event' in frame) {
      tell(frame.event);
      return;
    }
    const p = pending.get(frame.id);
    if (!p) return;
    pending.delete(frame.id);
    if (frame.ok) p.resolve(frame.data);
    else p.reject(new ConsoleError(frame.error.code, frame.error.message));
  };

  /** The host went away (closed, killed or frozen): fail what was in flight, then reconnect. */
  const lost = (ws: WebSocket) => {
    if (ws !== socket) return; // an older socket, already given up
    for (const p of pending.values())
      p.reject(new ConsoleError('unavailable', 'The console host is not reachable.'));
    pending.clear();
    setReachable(false);
    socket = null; // nothing more is sent on or read from a lost socket
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close();
    setTimeout(() => open(true), RECONNECT_DELAY_MS);
  };

  const onOpen = (ws: WebSocket) => {
    if (ws !== socket) return;
    lastFrameAt = Date.now();
    pingSentAt = null;
    setReachable(true);
    const waiters = openWaiters;
    openWaiters = [];
    for (const w of waiters) w();
  };

  const attach = (ws: WebSocket) => {
    socket = ws;
    ws.addEventListener('message', (ev) => {
      if (ws === socket) onMessage(ev.data);
    });
    ws.addEventListener('close', () => lost(ws));
    if (ws.readyState === WebSocket.OPEN) onOpen(ws);
    else ws.addEventListener('open', () => onOpen(ws));
  };

  const open = (reconnect: boolean) => {
    const ws = new WebSocket(url);
    attach(ws);
    // Events may have been missed while the host was away: start again from its current state.
    // Asked when this socket opens (not queued per attempt: a long outage would otherwise
    // end in one snapshot per failed attempt).
    if (reconnect)
      ws.addEventListener('open', () => {
        call('getSnapshot', {}).then(
          (snapshot) => tell({ type: 'snapshot', snapshot } as ConsoleEvent),
          () => undefined, // closed again: the next reconnect asks again
        );
      });
  };

  const adoptEarlySocket = (early: EarlySocket): void => {
    earlySnapshot = new Promise((resolve, reject) =>
      pending.set(EARLY_SNAPSHOT_ID, { resolve, reject }),
    );
    earlySnapshot.catch(() => undefined); // a caller sees it; unobserved, it must not warn
    attach(early.socket);
    // Nothing runs between adopt() and here, so no frame is lost or seen twice.
    for (const data of early.adopt()) onMessage(data);
    if (early.socket.readyState >= WebSocket.CLOSING) lost(early.socket);
  };

  const whenOpen = (): Promise<WebSocket> =>
    socket?.readyState === WebSocket.OPEN
      ? Promise.resolve(socket)
      : new Promise((resolve) => openWaiters.push(() => resolve(socket!)));

  const call = async (method: ConsoleMethod, params: unknown): Promise<unknown> => {
    if (method === 'getSnapshot' && earlySnapshot) {
      const answer = earlySnapshot;
      earlySnapshot = null;
      return answer;
    }
    // A host known to be gone answers nothing: say so now rather than leave a form waiting.
    if (reachable === false)
      throw new ConsoleError(
        'unavailable',
        'The console host is not reachable; try again when it is back.',
      );
    const ws = await whenOpen();
    const id = nextId++;
    const frame: ClientFrame = { id, method, params };
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      ws.send(JSON.stringify(frame));
    });
  };

  // The heartbeat: a quiet host is asked; one that does not answer in time is given up on.
  setInterval(() => {
    const ws = socket;
    if (ws?.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    if (pingSentAt !== null) {
      if (now - pingSentAt > HEARTBEAT_TIMEOUT_MS) lost(ws);
      return;
    }
    if (now - lastFrameAt > HEARTBEAT_IDLE_MS) {
      pingSentAt = now;
      const frame: ClientFrame = { id: nextId++, method: HOST_PING, params: {} };
      ws.send(JSON.stringify(frame));
    }
  }, 250);

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
