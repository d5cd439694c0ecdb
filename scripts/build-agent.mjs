// Bundles the device agent into one self-contained ES module that runs on plain Node (>= 20)
// with no node_modules: dist/agent/marquee-agent.mjs. mqtt.js still calls require() for a few
// Node built-ins, so the bundle gets a createRequire banner.
// dist/agent/ is then the whole agent kit to copy to a screen controller: the bundle, the
// install scripts with their service definitions, the example config and the README.
// `--out DIR` writes the kit elsewhere (tests build their own copy).
import { build } from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const outfile = join(
  values.out ? resolve(values.out) : join(root, 'dist/agent'),
  'marquee-agent.mjs',
);
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

const kit = {
  'resources/agent/install-linux.sh': 'install-linux.sh',
  'resources/agent/marquee-agent.service': 'marquee-agent.service',
  'resources/agent/x11-capture.conf': 'x11-capture.conf',
  'resources/agent/install-windows.ps1': 'install-windows.ps1',
  'resources/agent/marquee-agent.xml': 'marquee-agent.xml',
  'resources/agent/config.example.json': 'config.example.json',
  'device-agent/README.md': 'README.md',
};
for (const [from, to] of Object.entries(kit))
  copyFileSync(join(root, from), join(dirname(outfile), to));
chmodSync(join(dirname(outfile), 'install-linux.sh'), 0o755);

const kb = Math.round(statSync(outfile).size / 1024);
console.log(`built ${outfile} (${kb} KiB) and the agent kit in ${dirname(outfile)}`);
