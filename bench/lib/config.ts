/** Command-line options of `npm run bench` and the two presets (short for CI, full). */
import { parseArgs } from 'node:util';

export interface BenchConfig {
  mode: 'short' | 'full';
  brokerUrl: string;
  privateBroker: boolean;
  db: 'sqlite' | 'postgres';
  pgUrl: string;
  screens: number;
  clients: number;
  consoles: number;
  steps: number[];
  baselineExtraSteps: number[];
  warmupS: number;
  stepS: number;
  browser: boolean;
  browserScreens: number;
  frameRate: number;
  frameS: number;
  agent: boolean;
  agentS: number;
  embedded: boolean;
  embeddedScreens: number;
  embeddedSteps: number[];
  profile: boolean;
  outDir: string | null;
  keep: boolean;
  tickMs: number;
}

const list = (s: string | undefined) =>
  s
    ? s
        .split(',')
        .map((x) => Number(x.trim()))
        .filter((x) => Number.isFinite(x) && x > 0)
    : undefined;

export function readConfig(argv = process.argv.slice(2)): BenchConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      short: { type: 'boolean', default: false },
      'broker-url': { type: 'string' },
      'private-broker': { type: 'boolean', default: false },
      db: { type: 'string', default: 'sqlite' },
      'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
      screens: { type: 'string' },
      clients: { type: 'string' },
      consoles: { type: 'string' },
      steps: { type: 'string' },
      'step-seconds': { type: 'string' },
      'no-browser': { type: 'boolean', default: false },
      'no-agent': { type: 'boolean', default: false },
      'no-embedded': { type: 'boolean', default: false },
      'agent-seconds': { type: 'string' },
      'tick-ms': { type: 'string' },
      profile: { type: 'boolean', default: false },
      out: { type: 'string' },
      keep: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const short = values.short === true;
  const num = (s: string | undefined, d: number) => (s === undefined ? d : Number(s));
  const db = values.db === 'postgres' ? 'postgres' : 'sqlite';
  const base: BenchConfig = short
    ? {
        mode: 'short',
        brokerUrl: 'mqtt://127.0.0.1:1883',
        privateBroker: false,
        db,
        pgUrl: values['pg-url']!,
        screens: 200,
        clients: 20,
        consoles: 4,
        steps: [500, 1500],
        baselineExtraSteps: [],
        warmupS: 1,
        stepS: 2,
        browser: true,
        browserScreens: 200,
        frameRate: 300,
        frameS: 2,
        agent: true,
        agentS: 3,
        embedded: false,
        embeddedScreens: 20,
        embeddedSteps: [200],
        profile: false,
        outDir: null,
        keep: false,
        tickMs: 25,
      }
    : {
        mode: 'full',
        brokerUrl: 'mqtt://127.0.0.1:1883',
        privateBroker: false,
        db,
        pgUrl: values['pg-url']!,
        screens: 10_000,
        clients: 1000,
        consoles: 20,
        steps: [2000, 5000, 10_000, 15_000, 20_000, 30_000, 40_000],
        baselineExtraSteps: [60_000, 80_000],
        warmupS: 4,
        stepS: 15,
        browser: true,
        browserScreens: 10_000,
        frameRate: 1500,
        frameS: 15,
        agent: true,
        agentS: 120,
        embedded: true,
        embeddedScreens: 1000,
        embeddedSteps: [1000, 2500, 5000],
        profile: false,
        outDir: null,
        keep: false,
        tickMs: 25,
      };
  return {
    ...base,
    brokerUrl: values['broker-url'] ?? base.brokerUrl,
    privateBroker: values['private-broker'] === true,
    screens: num(values.screens, base.screens),
    browserScreens: num(values.screens, base.browserScreens),
    clients: num(values.clients, base.clients),
    consoles: num(values.consoles, base.consoles),
    steps: list(values.steps) ?? base.steps,
    stepS: num(values['step-seconds'], base.stepS),
    browser: base.browser && !values['no-browser'],
    agent: base.agent && !values['no-agent'],
    agentS: num(values['agent-seconds'], base.agentS),
    embedded: base.embedded && !values['no-embedded'],
    profile: values.profile === true,
    outDir: values.out ?? null,
    keep: values.keep === true,
    tickMs: num(values['tick-ms'], base.tickMs),
  };
}
