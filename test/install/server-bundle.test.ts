/**
 * What the container image runs, run here: scripts/build-server.mjs's bundle started with
 * plain `node` (no tsx) answers /healthz, the Dockerfile's own HEALTHCHECK command passes
 * against it, and SIGTERM stops it cleanly. The bundle imports only production dependencies
 * (what `npm ci --omit=dev` gives the image) and only sources the image's build stage copies.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../../device-agent/test/helpers/until';
import { execForm, parseDockerfile } from './dockerfile';
import { ROOT, type Running } from './kit';

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: { path: string; external?: boolean }[] }>;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
const packageOf = (spec: string) =>
  spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;

describe('server bundle (the container image’s CMD)', () => {
  // Inside the repository, so the bundle finds node_modules as it does in the image's /app.
  const out = join(ROOT, '.tmp', `server-bundle-${process.pid}`);
  let server: Running;
  let url = '';
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build-server.mjs', '--out', out, '--metafile'], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    const data = mkdtempSync(join(tmpdir(), 'marquee-server-bundle-'));
    const child = spawn(process.execPath, [join(out, 'marquee-server.mjs')], {
      cwd: data,
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: '0',
        MQTT_PORT: '0',
        MARQUEE_DATA_DIR: data,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    server = {
      child,
      output: () => output,
      exited,
      stop: async () => {
        if (child.exitCode === null) child.kill('SIGTERM');
        return exited;
      },
    };
    await until(() => /"url":"(http[^"]+)"/.test(output), `server listening:\n${output}`, 30_000);
    url = /"url":"(http[^"]+)"/.exec(output)![1]!;
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(out, { recursive: true, force: true });
  });

  it('imports only production dependencies and only server/ and protocol/ sources', () => {
    const meta = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as Metafile;
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const externals = new Set(
      Object.values(meta.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external)
        .map((i) => i.path),
    );
    const packages = [...externals]
      .filter((p) => !p.startsWith('node:') && !builtinModules.includes(p))
      .map(packageOf);
    expect(packages.length).toBeGreaterThan(0);
    for (const name of packages)
      expect(Object.keys(pkg.dependencies), `${name} is a production dependency`).toContain(name);
    for (const input of Object.keys(meta.inputs)) {
      const rel = relative(ROOT, join(ROOT, input));
      expect(rel, input).toMatch(/^(server\/src|protocol)\//);
    }
  });

  it('answers /healthz, passes the Dockerfile’s HEALTHCHECK, and stops cleanly on SIGTERM', async () => {
    const res = await fetch(`${url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, database: true, broker: true });

    const { stages } = parseDockerfile(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const health = stages.at(-1)!.instructions.find((i) => i.keyword === 'HEALTHCHECK')!;
    const command = execForm(health.args.replace(/^.*?CMD\s+/, ''));
    expect(command?.[0]).toBe('node');
    // The check reads PORT as the image sets it; this server's port was chosen at random.
    const port = new URL(url).port;
    const real = spawn(process.execPath, command!.slice(1), {
      env: { PATH: process.env.PATH, PORT: port },
      stdio: 'ignore',
    });
    expect(await new Promise((r) => real.once('exit', r))).toBe(0);
    const wrong = spawn(process.execPath, command!.slice(1), {
      env: { PATH: process.env.PATH, PORT: '9' },
      stdio: 'ignore',
    });
    expect(await new Promise((r) => wrong.once('exit', r))).toBe(1);

    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('shutting down');
  });
});
