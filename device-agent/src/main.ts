/**
 * `npm run agent -- --config FILE`: one device agent as a long-running service. A bad config
 * exits with code 2 and one line naming the field, before anything connects. SIGTERM / SIGINT
 * publish `offline` and disconnect cleanly. `--check` validates the config and exits (the
 * install scripts run it before they restart the service); `--version` prints the version.
 */
import { parseArgs } from 'node:util';
import { startAgent } from './agent';
import { ConfigError, loadConfig, type AgentConfig } from './config';
import { createLogger, errorText } from './log';
import { StateFormatError } from './queue/state-format';
import { AGENT_VERSION } from './version';

const USAGE = 'usage: marquee-agent --config FILE [--check] | --version';

function readArgs(): { file?: string; check: boolean; version: boolean } {
  try {
    const { values } = parseArgs({
      options: {
        config: { type: 'string', short: 'c' },
        check: { type: 'boolean', default: false },
        version: { type: 'boolean', default: false },
      },
    });
    return { file: values.config, check: values.check, version: values.version };
  } catch (err) {
    fail(`${errorText(err)}; ${USAGE}`);
  }
}

function readConfig(file: string | undefined): AgentConfig {
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
  const args = readArgs();
  if (args.version) {
    process.stdout.write(`${AGENT_VERSION}\n`);
    return;
  }
  const config = readConfig(args.file);
  if (args.check) {
    process.stdout.write(
      `marquee-agent: config ${args.file} is valid (screen ${config.screenId}, data in ${config.dataDir})\n`,
    );
    return;
  }
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
