// Bundles the server's own TypeScript (server/ and protocol/) into one ES module,
// dist/server/marquee-server.mjs, run with plain Node: `node dist/server/marquee-server.mjs`.
// Every package stays external and is loaded from node_modules at run time, so the container
// image needs only `npm ci --omit=dev` beside it (native modules such as better-sqlite3 cannot
// be bundled anyway). `--out DIR` writes elsewhere (tests); `--metafile` also writes
// meta.json, which test/install/server-bundle.test.ts reads to check that every package the
// bundle imports is a production dependency.
import { build } from 'esbuild';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { out: { type: 'string' }, metafile: { type: 'boolean', default: false } },
});
const outdir = values.out ? resolve(values.out) : join(root, 'dist/server');
const outfile = join(outdir, 'marquee-server.mjs');
mkdirSync(outdir, { recursive: true });

const result = await build({
  entryPoints: [join(root, 'server/src/main.ts')],
  outfile,
  bundle: true,
  packages: 'external',
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  metafile: values.metafile,
  logLevel: 'warning',
});
if (values.metafile) writeFileSync(join(outdir, 'meta.json'), JSON.stringify(result.metafile));

const kb = Math.round(statSync(outfile).size / 1024);
console.log(`built ${outfile} (${kb} KiB)`);
