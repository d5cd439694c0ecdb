/**
 * A tiny request/response protocol over the child_process IPC channel. Children call
 * `serveRpc(handlers)`; the orchestrator calls `child.call(name, args)`. A child exits when
 * its parent goes away (the channel disconnects), so no bench process outlives the run.
 */
import type { ChildProcess } from 'node:child_process';

interface Request {
  rpc: 'call';
  id: number;
  name: string;
  args: unknown;
}
interface Response {
  rpc: 'reply';
  id: number;
  ok: boolean;
  data?: unknown;
  error?: string;
}
interface Ready {
  rpc: 'ready';
}

export type Handlers = Record<string, (args: never) => unknown>;

/** In a child: answers calls from the parent and announces readiness. */
export function serveRpc(handlers: Handlers): void {
  if (!process.send) throw new Error('serveRpc: not started with an IPC channel');
  process.on('disconnect', () => process.exit(0));
  process.on('message', (raw: unknown) => {
    const msg = raw as Request;
    if (msg?.rpc !== 'call') return;
    const handler = handlers[msg.name] as ((a: unknown) => unknown) | undefined;
    const reply = (r: Omit<Response, 'rpc' | 'id'>) => {
      if (process.connected) process.send!({ rpc: 'reply', id: msg.id, ...r });
    };
    if (!handler) {
      reply({ ok: false, error: `no handler ${msg.name}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(msg.args))
      .then(
        (data) => reply({ ok: true, data }),
        (err: unknown) => reply({ ok: false, error: String((err as Error)?.stack ?? err) }),
      );
  });
  process.send({ rpc: 'ready' } satisfies Ready);
}

/** In the parent: a typed-enough caller for one child. */
export class RpcClient {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  readonly ready: Promise<void>;

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    let markReady: () => void = () => {};
    let failReady: (e: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    child.on('message', (raw: unknown) => {
      const msg = raw as Response | Ready;
      if (msg?.rpc === 'ready') markReady();
      if (msg?.rpc !== 'reply') return;
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (msg.ok) p.resolve(msg.data);
      else p.reject(new Error(`${name}: ${msg.error}`));
    });
    child.once('exit', (code, signal) => {
      const err = new Error(`${name} exited (code ${code}, signal ${signal})`);
      failReady(err);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    });
  }

  call<T = unknown>(name: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.name}.${name} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => {
          clearTimeout(timer);
          resolve(v as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.send({ rpc: 'call', id, name, args } satisfies Request);
    });
  }
}
