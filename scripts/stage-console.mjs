#!/usr/bin/env node
// Stages the console app for electron-builder in dist/console-app/: its own package.json, the
// built glue (desktop/out) and a node_modules holding exactly the packages the built main
// process imports and what they need at run time. The repository's package.json lists the
// server's dependencies too (express, knex, aedes, pg, sharp…) and all the dev tools; none of
// that belongs in the console installer. electron-builder.yml points `directories.app` here
// (electron-builder's "two package.json" layout), so the installer's node_modules is this one.
//
// The list is derived, not kept by hand: every bare import in desktop/out/main/*.js (static
// and dynamic) other than `electron` and Node's own modules, then each package's
// `dependencies` and installed `optionalDependencies`, resolved the way Node resolves them.
// Run after `npm run build` (electron-vite); `npm run dist:*` does both.
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Bare package names imported by the built main process. */
export function runtimeImports(mainDir) {
  const names = new Set();
  for (const file of fs.readdirSync(mainDir)) {
    if (!/\.(c|m)?js$/.test(file)) continue;
    const code = fs.readFileSync(path.join(mainDir, file), 'utf8');
    // Bundled code is mostly inlined; what stays external appears as `from "x"`,
    // `import("x")` or `require("x")`, with a package-name-shaped specifier.
    const pattern =
      /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^import\s+)["'](@?[a-z0-9][\w.-]*(?:\/[\w.-]+)*)["']/gm;
    for (const [, spec] of code.matchAll(pattern)) {
      const name = spec.startsWith('@')
        ? spec.split('/').slice(0, 2).join('/')
        : spec.split('/')[0];
      if (name === 'electron' || name.startsWith('node:') || builtinModules.includes(name))
        continue;
      names.add(name);
    }
  }
  return [...names].sort();
}

/** Where Node would find `name` when required from `fromDir` (inside ROOT/node_modules). */
function resolvePackageDir(root, fromDir, name) {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root) return null;
    const parent = path.dirname(dir);
    // Climb out of node_modules/<pkg> or node_modules/@scope/<pkg>.
    dir = path.basename(parent) === 'node_modules' ? path.dirname(parent) : parent;
    if (path.basename(dir) === 'node_modules') dir = path.dirname(dir);
    if (!dir.startsWith(root)) return null;
  }
}

/** Every package directory (relative to root) the given packages need at run time. */
export function runtimeClosure(root, names) {
  const found = new Map(); // relative dir → package.json
  const visit = (fromDir, name, optional) => {
    const dir = resolvePackageDir(root, fromDir, name);
    if (!dir) {
      if (optional) return;
      throw new Error(
        `${name} (needed from ${path.relative(root, fromDir) || '.'}) is not installed`,
      );
    }
    const rel = path.relative(root, dir);
    if (found.has(rel)) return;
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
    found.set(rel, pkg);
    for (const dep of Object.keys(pkg.dependencies ?? {})) visit(dir, dep, false);
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) visit(dir, dep, true);
  };
  for (const name of names) visit(root, name, false);
  return found;
}

export function stageConsole({ root = ROOT, out = path.join(root, 'dist/console-app') } = {}) {
  const mainDir = path.join(root, 'desktop/out/main');
  if (!fs.existsSync(path.join(mainDir, 'index.js'))) {
    throw new Error(`no built console at ${mainDir}: run npm run build first`);
  }
  const rootPkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const imports = runtimeImports(mainDir);
  const closure = runtimeClosure(root, imports);

  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  fs.cpSync(path.join(root, 'desktop/out'), path.join(out, 'desktop/out'), { recursive: true });
  for (const rel of closure.keys()) {
    // Nested node_modules are staged on their own (only what is needed), never wholesale.
    fs.cpSync(path.join(root, rel), path.join(out, rel), {
      recursive: true,
      dereference: true,
      filter: (src) =>
        !path.relative(path.join(root, rel), src).split(path.sep).includes('node_modules'),
    });
  }
  const version = (name) => closure.get(path.join('node_modules', name)).version;
  const appPkg = {
    name: rootPkg.name,
    productName: 'Marquee',
    version: rootPkg.version,
    description: rootPkg.description,
    author: { name: 'Marquee' },
    license: rootPkg.license ?? 'UNLICENSED',
    type: rootPkg.type,
    main: 'desktop/out/main/index.js',
    dependencies: Object.fromEntries(imports.map((name) => [name, version(name)])),
  };
  fs.writeFileSync(path.join(out, 'package.json'), `${JSON.stringify(appPkg, null, 2)}\n`);
  return { out, imports, packages: [...closure.keys()].sort() };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { out, imports, packages } = stageConsole();
  console.log(
    `console staged in ${path.relative(ROOT, out)}: imports ${imports.join(', ')}; ${packages.length} packages in node_modules`,
  );
}
