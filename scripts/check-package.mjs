#!/usr/bin/env node
// Checks the console package (desktop/README.md, "Packaging"). Two uses:
//
//   node scripts/check-package.mjs --stand-in
//     Here and in CI: validates electron-builder.yml with electron-builder's own schema,
//     stages the app, packages it to a folder with a stand-in Electron distribution (no
//     Electron binary can be downloaded here) and checks that folder.
//   node scripts/check-package.mjs --app-dir dist/installers/linux-unpacked --expect-electron-abi
//     In the release workflow, on a package built with the real Electron: the same checks,
//     and the native module must be built for Electron's ABI.
//
// What is checked: the ASAR holds the built main, preload and renderer and the staged
// package.json, no source, tests or server code, and in node_modules only the runtime
// closure of what the main process imports (no dev dependency, no server dependency); the
// fuses in the executable are the release configuration's; better-sqlite3's .node is unpacked
// beside the ASAR, and its ABI is reported (and required to be Electron's with
// --expect-electron-abi).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { runtimeClosure, runtimeImports, stageConsole } from './stage-console.mjs';

const ROOT = path.resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const asar = require('@electron/asar');
const fuses = require('@electron/fuses');
// @electron/fuses' FuseState (not exported from its index): '1' on, '0' off.
const FUSE_ON = 0x31;
const FUSE_OFF = 0x30;

/** The fuse states the release must have, by @electron/fuses index. */
export const RELEASE_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};
const FUSE_INDEX = {
  runAsNode: fuses.FuseV1Options.RunAsNode,
  enableCookieEncryption: fuses.FuseV1Options.EnableCookieEncryption,
  enableNodeOptionsEnvironmentVariable: fuses.FuseV1Options.EnableNodeOptionsEnvironmentVariable,
  enableNodeCliInspectArguments: fuses.FuseV1Options.EnableNodeCliInspectArguments,
  enableEmbeddedAsarIntegrityValidation: fuses.FuseV1Options.EnableEmbeddedAsarIntegrityValidation,
  onlyLoadAppFromAsar: fuses.FuseV1Options.OnlyLoadAppFromAsar,
  grantFileProtocolExtraPrivileges: fuses.FuseV1Options.GrantFileProtocolExtraPrivileges,
};

/** electron-builder.yml as electron-builder reads it, validated by its own schema. */
export async function loadValidatedConfig(
  configFile = path.join(ROOT, 'electron-builder.yml'),
  overrides = {},
) {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
  const { DebugLogger } = require('builder-util');
  const config = await getConfig(ROOT, configFile, overrides);
  await validateConfiguration(config, new DebugLogger(false));
  return config;
}

/** The release settings the installers rely on; returns the problems found, as sentences. */
export function releaseConfigProblems(config) {
  const problems = [];
  const expect = (ok, sentence) => ok || problems.push(sentence);
  for (const [name, value] of Object.entries(RELEASE_FUSES)) {
    expect(config.electronFuses?.[name] === value, `electronFuses.${name} must be ${value}`);
  }
  expect(
    config.directories?.app === 'dist/console-app',
    'directories.app must be the staged console',
  );
  expect(config.npmRebuild !== false, 'npmRebuild must stay on (better-sqlite3 for Electron)');
  expect(config.asar !== false, 'the app must be packed into an ASAR');
  const targets = (platform) =>
    (config[platform]?.target ?? []).map((t) => `${t.target}:${(t.arch ?? []).join('+')}`);
  expect(targets('win').includes('nsis:x64+arm64'), 'Windows: NSIS for x64 and arm64');
  expect(
    config.nsis?.perMachine === false && config.nsis?.oneClick === false,
    'NSIS per user, with choices',
  );
  expect(
    targets('mac').includes('dmg:x64+arm64') && targets('mac').includes('zip:x64+arm64'),
    'macOS: DMG and zip for x64 and arm64',
  );
  expect(config.mac?.hardenedRuntime === true, 'macOS: hardened runtime');
  for (const key of ['entitlements', 'entitlementsInherit']) {
    const file = config.mac?.[key];
    expect(file && fs.existsSync(path.join(ROOT, file)), `macOS: ${key} file ${file} exists`);
  }
  expect(
    targets('linux').some((t) => t.startsWith('AppImage')) &&
      targets('linux').some((t) => t.startsWith('deb')),
    'Linux: AppImage and deb',
  );
  for (const [platform, file] of [
    ['win', config.win?.icon],
    ['mac', config.mac?.icon],
    ['linux', config.linux?.icon],
  ]) {
    expect(file && fs.existsSync(path.join(ROOT, file)), `${platform}: icon ${file} exists`);
  }
  return problems;
}

/**
 * A stand-in Electron distribution for electron-builder's `electronDist`: what builder copies
 * and renames (an `electron` executable, `locales/`, `version`). The executable carries the
 * fuse sentinel and a fuse wire in Electron's default states, so builder's fuse step really
 * flips it and the result can be read back; it is not a program.
 */
export function makeStandInElectron(dir, version) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'locales'), { recursive: true });
  const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
  const [on, off] = [FUSE_ON, FUSE_OFF];
  // Electron's defaults: RunAsNode on, cookie encryption off, NODE_OPTIONS on, inspect on,
  // ASAR integrity off, only-ASAR off, V8 snapshot off, file:// privileges on (+1 newer fuse).
  const wire = [on, off, on, on, off, off, off, on, off];
  fs.writeFileSync(
    path.join(dir, 'electron'),
    Buffer.concat([
      Buffer.from(
        '#!/bin/sh\necho "stand-in Electron for package checks: not a program" >&2\nexit 1\n',
      ),
      Buffer.from(SENTINEL),
      Buffer.from([1, wire.length, ...wire]),
    ]),
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(dir, 'locales/en-US.pak'), '');
  fs.writeFileSync(path.join(dir, 'version'), version);
}

/** Packages a staged app (default: dist/console-app) for Linux into a folder, with the stand-in. */
export function packWithStandIn(work, stagedApp) {
  const electronVersion = require('electron/package.json').version;
  const standIn = path.join(work, 'electron-stand-in');
  makeStandInElectron(standIn, electronVersion);
  const output = path.join(work, 'installers');
  // npmRebuild off: rebuilding better-sqlite3 for Electron needs Electron's headers or a
  // prebuilt binary, both downloaded (desktop/README.md, "Packaging"); here neither can be.
  const res = spawnSync(
    process.execPath,
    [
      require.resolve('electron-builder/cli.js'),
      '--linux',
      'dir',
      '--x64',
      '--publish',
      'never',
      `-c.electronDist=${standIn}`,
      '-c.npmRebuild=false',
      `-c.directories.output=${output}`,
      ...(stagedApp ? [`-c.directories.app=${stagedApp}`] : []),
    ],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  if (res.status !== 0) {
    throw new Error(`electron-builder failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
  }
  return { appDir: path.join(output, 'linux-unpacked'), log: res.stdout + res.stderr };
}

/** resources/ and the executable of a packaged folder (linux-unpacked, win-unpacked, mac). */
function layout(appDir) {
  if (fs.existsSync(path.join(appDir, 'resources/app.asar'))) {
    const exe = fs
      .readdirSync(appDir)
      .find((f) => ['marquee', 'Marquee.exe', 'Marquee'].includes(f));
    return { resources: path.join(appDir, 'resources'), executable: exe && path.join(appDir, exe) };
  }
  const app = fs.readdirSync(appDir).find((f) => f.endsWith('.app'));
  if (!app) throw new Error(`no packaged app in ${appDir}`);
  return {
    resources: path.join(appDir, app, 'Contents/Resources'),
    executable: path.join(appDir, app),
  };
}

/** The ABI a .node file was built for, found by loading it in this Node. */
export function nativeAbi(file) {
  const res = spawnSync(
    process.execPath,
    [
      '-e',
      `try { process.dlopen({ exports: {} }, ${JSON.stringify(file)}); console.log('ok') } catch (e) { console.log(e.message) }`,
    ],
    { encoding: 'utf8' },
  );
  const out = res.stdout.trim();
  if (out === 'ok') return { abi: Number(process.versions.modules), how: 'loads in this Node' };
  const match = /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires/.exec(out);
  return match
    ? { abi: Number(match[1]), how: 'named by Node when it refused it' }
    : { abi: null, how: out };
}

/** Checks a packaged folder; returns { problems, facts }. */
export async function checkPackage(appDir, { expectElectronAbi = false } = {}) {
  const problems = [];
  const facts = {};
  const { resources, executable } = layout(appDir);
  const archive = path.join(resources, 'app.asar');
  const files = asar.listPackage(archive).map((f) => f.split(path.sep).join('/'));
  facts.asarFiles = files.length;

  for (const needed of [
    '/package.json',
    '/desktop/out/main/index.js',
    '/desktop/out/preload/index.cjs',
    '/desktop/out/renderer/index.html',
  ]) {
    if (!files.includes(needed)) problems.push(`the ASAR lacks ${needed}`);
  }
  const appPkg = JSON.parse(asar.extractFile(archive, 'package.json').toString());
  if (appPkg.main !== 'desktop/out/main/index.js')
    problems.push(`package.json main is ${appPkg.main}`);
  if (appPkg.devDependencies) problems.push('the packaged package.json lists devDependencies');
  if (appPkg.build) problems.push('the packaged package.json carries build configuration');

  const outsideModules = files.filter((f) => !f.startsWith('/node_modules/'));
  for (const f of outsideModules) {
    if (
      /^\/(server|protocol|device-agent|test|bench|scripts|desktop\/src|desktop\/test)(\/|$)/.test(
        f,
      )
    ) {
      problems.push(`the ASAR holds source or tests: ${f}`);
    } else if (/\.(ts|tsx)$/.test(f) || /\.test\./.test(f)) {
      problems.push(`the ASAR holds a source file: ${f}`);
    }
  }

  // Every package in the ASAR must be in the runtime closure of the main process's imports.
  const rootPkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const imports = runtimeImports(path.join(ROOT, 'desktop/out/main'));
  const allowed = new Set(
    [...runtimeClosure(ROOT, imports).keys()].map((rel) =>
      rel
        .split(path.sep)
        .join('/')
        .replace(/^.*node_modules\//, ''),
    ),
  );
  const packaged = new Set();
  for (const f of files) {
    const m = /^(?:.*\/)?node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(f);
    // A bare scope folder (node_modules/@socket.io) is not a package.
    if (m && !(m[1].startsWith('@') && !m[1].includes('/'))) packaged.add(m[1]);
  }
  facts.packagedModules = [...packaged].sort();
  const devDeps = new Set(Object.keys(rootPkg.devDependencies ?? {}));
  const serverOnly = new Set(
    Object.keys(rootPkg.dependencies ?? {}).filter((d) => !allowed.has(d)),
  );
  for (const name of packaged) {
    if (devDeps.has(name)) problems.push(`a dev dependency is packaged: ${name}`);
    else if (serverOnly.has(name))
      problems.push(`a dependency the console does not use is packaged: ${name}`);
    else if (!allowed.has(name))
      problems.push(`a package outside the console's runtime closure is packaged: ${name}`);
  }
  for (const name of appPkg.dependencies ? Object.keys(appPkg.dependencies) : []) {
    if (!packaged.has(name)) problems.push(`a runtime dependency is missing: ${name}`);
  }

  // The native module: unpacked beside the ASAR (a .node cannot load from inside it).
  const nodeFile = path.join(
    resources,
    'app.asar.unpacked/node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  );
  const electronAbi = Number(
    fs.readFileSync(require.resolve('electron/abi_version'), 'utf8').trim(),
  );
  facts.electronAbi = electronAbi;
  facts.nodeAbi = Number(process.versions.modules);
  if (!fs.existsSync(nodeFile)) {
    problems.push(
      `better-sqlite3's native module is not unpacked at ${path.relative(appDir, nodeFile)}`,
    );
  } else {
    const abi = nativeAbi(nodeFile);
    facts.nativeAbi = abi.abi;
    facts.nativeAbiHow = abi.how;
    if (expectElectronAbi && abi.abi !== electronAbi) {
      problems.push(
        `better-sqlite3 is built for ABI ${abi.abi ?? `unknown (${abi.how})`}, not Electron's ${electronAbi}: the rebuild did not happen`,
      );
    }
  }

  // Fuses as flipped in the executable.
  if (!executable) {
    problems.push(`no executable in ${appDir}`);
  } else {
    const wire = await fuses.getCurrentFuseWire(executable);
    facts.fuses = {};
    for (const [name, value] of Object.entries(RELEASE_FUSES)) {
      const state = wire[FUSE_INDEX[name]];
      const actual = state === FUSE_ON ? true : state === FUSE_OFF ? false : `state ${state}`;
      facts.fuses[name] = actual;
      if (actual !== value)
        problems.push(`fuse ${name} is ${actual} in the executable, not ${value}`);
    }
  }
  return { problems, facts };
}

async function main() {
  const args = process.argv.slice(2);
  const config = await loadValidatedConfig();
  const configProblems = releaseConfigProblems(config);
  let appDir;
  if (args.includes('--stand-in')) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-package-'));
    const { out } = stageConsole({ out: path.join(work, 'console-app') });
    appDir = packWithStandIn(work, out).appDir;
  } else {
    const at = args.indexOf('--app-dir');
    if (at < 0)
      throw new Error(
        'usage: check-package.mjs --stand-in | --app-dir DIR [--expect-electron-abi]',
      );
    appDir = path.resolve(args[at + 1]);
  }
  const { problems, facts } = await checkPackage(appDir, {
    expectElectronAbi: args.includes('--expect-electron-abi'),
  });
  console.log(JSON.stringify({ appDir, ...facts }, null, 2));
  const all = [...configProblems, ...problems];
  for (const p of all) console.error(`problem: ${p}`);
  if (all.length > 0) process.exit(1);
  console.log('package checks passed');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
