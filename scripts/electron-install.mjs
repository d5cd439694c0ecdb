#!/usr/bin/env node
// Downloads the Electron binary that `npm ci` skipped (see scripts/start.mjs). Needs a route to
// Electron's download host; without one the console runs in a browser instead (npm start does
// that by itself).
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const env = { ...process.env };
delete env.ELECTRON_SKIP_BINARY_DOWNLOAD;
const res = spawnSync(
  process.execPath,
  [path.resolve(import.meta.dirname, '../node_modules/electron/install.js')],
  { stdio: 'inherit', env },
);
process.exit(res.status ?? 1);
