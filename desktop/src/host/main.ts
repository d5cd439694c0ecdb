/**
 * `npm run console:web [-- --port 5180 --data-dir DIR --rebuild --allow-host NAME]`: the console in a browser.
 * Builds the renderer when there is no build yet, then prints the address to open.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { RENDERER_OUT, buildRenderer } from './build-renderer';
import { parseAllowHosts } from './allowed-hosts';
import { startConsoleHost } from './console-host';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.MARQUEE_CONSOLE_PORT ?? '5180' },
    'data-dir': {
      type: 'string',
      default: path.resolve(process.env.MARQUEE_DATA_DIR ?? './data', 'console'),
    },
    rebuild: { type: 'boolean', default: false },
    server: { type: 'string', default: process.env.MARQUEE_SERVER_URL ?? 'http://127.0.0.1:4000' },
    /** Names besides localhost the page may be opened at (comma-separated; DNS rebinding). */
    'allow-host': { type: 'string', multiple: true, default: [] },
  },
});

async function main() {
  if (values.rebuild || !fs.existsSync(path.join(RENDERER_OUT, 'index.html'))) {
    console.log('marquee console: building the renderer…');
    await buildRenderer();
  }
  const port = Number(values.port);
  try {
    const host = await startConsoleHost({
      port,
      dataDir: values['data-dir']!,
      rendererDir: RENDERER_OUT,
      defaultServerUrl: values.server,
      allowHosts: [
        ...parseAllowHosts(process.env.MARQUEE_CONSOLE_ALLOW_HOSTS),
        ...values['allow-host']!.flatMap((v) => parseAllowHosts(v)),
      ],
    });
    console.log(`marquee console: open ${host.url} in a browser`);
    const stop = () => void host.close().then(() => process.exit(0));
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error(
        `marquee console: port ${port} is taken; choose another with --port <free port>`,
      );
      process.exit(2);
    }
    throw err;
  }
}

void main();
