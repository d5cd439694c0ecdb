/**
 * Everything on one machine with embedded defaults: the server (embedded MQTT broker, SQLite
 * under ./data), a simulated fleet of a dozen screens in its own process, and the console —
 * the Electron window where its binary is installed, otherwise the browser host.
 * Ports that are taken (a Mosquitto on 1883, say) are replaced by free ones, said so, and kept
 * for the next start (start-ports.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../server/src/app';
import { buildRenderer, RENDERER_OUT } from '../desktop/src/host/build-renderer';
import { startConsoleHost } from '../desktop/src/host/console-host';
import { stopChildren } from './child-processes';
import { choosePort } from './start-ports';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    screens: { type: 'string', default: process.env.MARQUEE_SCREENS ?? '12' },
    browser: { type: 'boolean', default: false },
  },
});

const dataDir = path.resolve(process.env.MARQUEE_DATA_DIR ?? path.join(root, 'data'));
const admin = {
  email: process.env.MARQUEE_ADMIN_EMAIL ?? 'admin@marquee.local',
  password: process.env.MARQUEE_ADMIN_PASSWORD ?? 'marquee-admin',
};

function electronBinary(): string | null {
  // Electron 42+ starts a download when `require('electron')` finds no binary: look first.
  const pathFile = path.join(root, 'node_modules/electron/path.txt');
  if (!fs.existsSync(pathFile)) return null;
  try {
    const bin = createRequire(import.meta.url)('electron') as unknown as string;
    return typeof bin === 'string' && fs.existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

async function main() {
  const http = await choosePort(dataDir, 'http', process.env.PORT);
  const port = http.port;
  if (http.note) console.log(`marquee: ${http.note}`);
  let mqttPort = Number(process.env.MQTT_PORT ?? 1883);
  if (!process.env.MQTT_URL) {
    const mqtt = await choosePort(dataDir, 'mqtt', process.env.MQTT_PORT);
    mqttPort = mqtt.port;
    if (mqtt.note) console.log(`marquee: ${mqtt.note} (a Mosquitto on 1883? MQTT_URL uses it)`);
  }

  const server = await startServer({
    port,
    mqttPort,
    mqttUrl: process.env.MQTT_URL || undefined,
    dataDir,
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    adminEmail: admin.email,
    adminPassword: admin.password,
    logLevel: (process.env.LOG_LEVEL as 'warn' | undefined) ?? 'warn',
  });
  const children: ChildProcess[] = [];

  const fleet = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'device-agent/src/fleet-main.ts'),
      '--screens',
      values.screens!,
      '--server',
      server.url,
      '--broker',
      server.mqttUrl,
    ],
    {
      cwd: root,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        MARQUEE_ADMIN_EMAIL: admin.email,
        MARQUEE_ADMIN_PASSWORD: admin.password,
        MARQUEE_DATA_DIR: dataDir,
      },
    },
  );
  children.push(fleet);

  let consoleLine: string;
  const electron = values.browser ? null : electronBinary();
  let closeHost = async () => {};
  if (electron) {
    const build = spawn(
      process.execPath,
      [path.join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'],
      { cwd: root, stdio: 'inherit' },
    );
    await new Promise((resolve) => build.on('exit', resolve));
    const app = spawn(electron, [path.join(root, 'desktop/out/main/index.js')], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MARQUEE_DEFAULT_SERVER_URL: server.url },
    });
    children.push(app);
    consoleLine = 'console  the Marquee window (Electron)';
  } else {
    if (!fs.existsSync(path.join(RENDERER_OUT, 'index.html'))) {
      console.log('marquee: building the console…');
      await buildRenderer();
    }
    const consoleChoice = await choosePort(dataDir, 'console', process.env.MARQUEE_CONSOLE_PORT);
    const consolePort = consoleChoice.port;
    if (consoleChoice.note) console.log(`marquee: ${consoleChoice.note}`);
    const host = await startConsoleHost({
      port: consolePort,
      dataDir: path.join(dataDir, 'console'),
      rendererDir: RENDERER_OUT,
      defaultServerUrl: server.url,
    });
    closeHost = host.close;
    consoleLine = `console  ${host.url}   (open it in a browser${electron === null && !values.browser ? '; no Electron binary installed: npm run electron:install' : ''})`;
  }

  console.log(
    [
      '',
      'Marquee is running:',
      `  server   ${server.url}   (database ${process.env.DATABASE_URL ? 'DATABASE_URL' : path.join(dataDir, 'marquee.db')}, MQTT ${server.mqttUrl}${server.embeddedBroker ? ' embedded' : ''})`,
      `  fleet    ${values.screens} simulated screens`,
      `  ${consoleLine}`,
      `  sign in  ${admin.email} / ${admin.password}`,
      'Ctrl+C stops everything.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async () => {
    if (stopping) {
      console.log('marquee: stopping now');
      process.exit(1); // a second Ctrl+C does not wait for anything
    }
    stopping = true;
    // Whatever hangs, the process ends: a stuck shutdown step is reported, not waited for.
    setTimeout(() => {
      console.error('marquee: shutdown took over 10 s; exiting anyway');
      process.exit(1);
    }, 10_000).unref();
    await stopChildren(children);
    await closeHost();
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  fleet.on('exit', (code) => {
    if (!stopping && code !== 0)
      console.error(
        `marquee: the simulated fleet stopped (exit ${code}); the server keeps running`,
      );
  });
}

main().catch((err: unknown) => {
  console.error(`marquee: ${(err as Error).message}`);
  process.exit(1);
});
