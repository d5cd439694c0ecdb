/** The browser host (desktop/src/host) in its own process, for the console benchmark. */
import { startConsoleHost, type ConsoleHost } from '../../desktop/src/host/console-host';
import { serveRpc } from '../lib/ipc';

let host: ConsoleHost | null = null;

serveRpc({
  start: async ({ dataDir, rendererDir }: { dataDir: string; rendererDir: string }) => {
    host = await startConsoleHost({ port: 0, dataDir, rendererDir });
    return { url: host.url, cached: host.core.cache.screens().length };
  },
  close: async () => {
    await host?.close();
    host = null;
    return null;
  },
});
