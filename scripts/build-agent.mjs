// Bundles the device agent into one self-contained ES module that runs on plain Node (>= 20)
// with no node_modules: dist/agent/marquee-agent.mjs. mqtt.js still calls require() for a few
// Node built-ins, so the bundle gets a createRequire banner.
import { build } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = join(root, 'dist/agent/marquee-agent.mjs');
mkdirSync(dirname(outfile), { recursive: true });

await build({
  entryPoints: [join(root, 'device-agent/src/main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  banner: {
    js: [
      '#!/usr/bin/env node',
      "import { createRequire as __marqueeCreateRequire } from 'node:module';",
      'const require = __marqueeCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  logLevel: 'warning',
});

const kb = Math.round(statSync(outfile).size / 1024);
console.log(`built ${outfile} (${kb} KiB)`);
