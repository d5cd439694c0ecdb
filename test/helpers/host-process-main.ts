/**
 * The browser host as its own process, for tests that kill or freeze it: options come as JSON
 * in MARQUEE_TEST_HOST; prints `listening <url>` once it serves.
 */
import { startConsoleHost } from '../../desktop/src/host/console-host';

const opts = JSON.parse(process.env.MARQUEE_TEST_HOST ?? '{}') as Parameters<
  typeof startConsoleHost
>[0];
const host = await startConsoleHost(opts);
console.log(`listening ${host.url}`);
process.on('SIGTERM', () => void host.close().then(() => process.exit(0)));
