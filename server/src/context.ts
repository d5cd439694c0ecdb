/**
 * What every feature of the server gets (the database, the Socket.IO server, logs, metrics),
 * and the shape a feature plugs in with: its socket events, its REST routes, its part of
 * `sync`, and hooks for connections and shutdown. app.ts composes the features.
 */
import type { Router } from 'express';
import type { Knex } from 'knex';
import type { SyncResult, User } from '../../protocol';
import type { ServerConfig } from './config';
import type { Logger } from './log';
import type { Metrics } from './metrics';
import type { MarqueeServer, MarqueeSocket, SocketRouter } from './realtime/socket-router';

export interface ServerContext {
  config: ServerConfig;
  knex: Knex;
  isPostgres: boolean;
  io: MarqueeServer;
  log: Logger;
  metrics: Metrics;
}

/**
 * One feature's share of a `sync` answer: the entities visible to `user` whose rev is in
 * (from, to]. `to` is fixed by the caller so every source answers for the same window.
 */
export type SyncSource = (
  user: User,
  from: number,
  to: number,
) => Promise<Partial<Omit<SyncResult, 'cursor' | 'more'>>>;

export interface Feature {
  name: string;
  registerSocketEvents?(router: SocketRouter): void;
  registerRoutes?(router: Router): void;
  sync?: SyncSource;
  onConnect?(socket: MarqueeSocket): void | Promise<void>;
  onDisconnect?(socket: MarqueeSocket): void | Promise<void>;
  start?(): void | Promise<void>;
  /** Flush what is pending; called on graceful shutdown before the database closes. */
  stop?(): void | Promise<void>;
}
