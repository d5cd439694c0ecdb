/** `npm run server`: one server node configured from the environment. */
import { configFromEnv } from './config';
import { PortInUseError, startServer } from './app';

async function main() {
  let config;
  try {
    config = configFromEnv();
  } catch (err) {
    console.error(`marquee-server: ${(err as Error).message}`);
    process.exit(2);
  }
  try {
    const server = await startServer(config);
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      server.log.info({ signal }, 'shutting down: flushing pending writes');
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  } catch (err) {
    if (err instanceof PortInUseError) {
      console.error(`marquee-server: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}

void main();
