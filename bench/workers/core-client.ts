/**
 * One full console core (ConsoleCore + its SQLite cache + SyncEngine), timing each screen
 * from the agent's publish time to the moment the core has stored it and emitted it to its
 * renderer-facing listeners. Its cache is the one the browser-console benchmark opens later.
 */
import path from 'node:path';
import type { User } from '../../protocol';
import { ConsoleCore } from '../../desktop/src/core/console-core';
import { ConsoleCache } from '../../desktop/src/core/cache/console-cache';
import { FileTokenStore } from '../../desktop/src/core/token-store';
import { Histogram } from '../lib/histogram';
import { serveRpc } from '../lib/ipc';

const hist = new Histogram();
let core: ConsoleCore | null = null;
let screens = 0;
let status = 'signedOut';

serveRpc({
  start: ({
    dataDir,
    serverUrl,
    user,
    prefix,
  }: {
    dataDir: string;
    serverUrl: string;
    user: User;
    prefix: string;
  }) => {
    const cache = new ConsoleCache(path.join(dataDir, 'console-cache.db'));
    cache.setMeta({ serverUrl, user });
    core = new ConsoleCore(cache, new FileTokenStore(path.join(dataDir, 'session-token')));
    core.subscribe((e) => {
      if (e.type === 'connection') status = e.connection.status;
      if (e.type !== 'screens') return;
      const now = Date.now();
      for (const s of e.screens) {
        if (!s.telemetry || !s.id.startsWith(prefix)) continue;
        hist.add(now - s.telemetry.ts);
        screens++;
      }
    });
    return null;
  },
  status: () => ({ status, cached: core?.cache.screens().length ?? 0 }),
  stats: ({ reset }: { reset?: boolean }) => {
    const out = { screens, status, hist: hist.toPairs() };
    if (reset) {
      hist.reset();
      screens = 0;
    }
    return out;
  },
  close: () => {
    core?.close();
    core = null;
    return null;
  },
});
