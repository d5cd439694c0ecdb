#!/usr/bin/env node
// `npm start`: everything on one machine. Plain Node with no dependencies, so it can run on a
// fresh clone: it installs what is missing (npm ci), then hands over to start-all.ts.
import { spawnSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (!fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))) {
  console.log('marquee: installing dependencies (npm ci)…');
  // The Electron binary is fetched only on request (npm run electron:install): most machines
  // that run the whole product locally are fine with the browser console, and some have no
  // route to Electron's download host.
  const env = {
    ...process.env,
    ELECTRON_SKIP_BINARY_DOWNLOAD: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD ?? '1',
  };
  const res = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env,
    shell: process.platform === 'win32',
  });
  if (res.status !== 0) {
    console.error('marquee: npm ci failed; see above');
    process.exit(res.status ?? 1);
  }
}
const child = spawn(
  process.execPath,
  ['--import', 'tsx', path.join(root, 'scripts/start-all.ts'), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code) => process.exit(code ?? 0));
