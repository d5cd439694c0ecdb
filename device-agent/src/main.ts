/**
 * `npm run agent -- --config FILE`: one device agent as a long-running service. A bad config
 * exits with code 2 and one line naming the field, before anything connects. SIGTERM / SIGINT
 * publish `offline` and disconnect cleanly.
 */
import { parseArgs } from 'node:util';
import { startAgent } from './agent';
import { ConfigError, loadConfig, type AgentConfig } from './config';
import { createLogger, errorText } from './log';
import { StateFormatError } from './queue/state-format';

const USAGE = 'usage: marquee-agent --config FILE';

function readConfig(): AgentConfig {
  let file: string | undefined;
  try {
    file = parseArgs({ options: { config: { type: 'string', short: 'c' } } }).values.config;
  } catch (err) {
    fail(`${errorText(err)}; ${USAGE}`);
  }
  if (!file) fail(`--config is required; ${USAGE}`);
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid config ${file}: ${err.message}`);
    throw err;
  }
}

function fail(line: string): never {
  process.stderr.write(`marquee-agent: ${line}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const config = readConfig();
  const log = createLogger(config.logLevel, { screenId: config.screenId });
  const agent = await startAgent(config, { log });

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn('second signal; exiting now', { signal });
      process.exit(1);
    }
    stopping = true;
    log.info('stopping', { signal });
    agent.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error('stop failed', { error: errorText(err) });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((err: unknown) => {
  // Like a bad config, a state this agent cannot read is not fixed by restarting (exit 2).
  if (err instanceof StateFormatError) fail(err.message);
  process.stderr.write(`marquee-agent: ${errorText(err)}\n`);
  process.exit(1);
});
