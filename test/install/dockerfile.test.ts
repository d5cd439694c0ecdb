/**
 * The server's container image definition (Dockerfile, .dockerignore), linted without Docker:
 * hadolint when it is installed (it is not in Debian 12 nor on npm, so usually not), and
 * always the checks that matter for this image, read from the file: pinned base images, a
 * non-root user, a HEALTHCHECK on the server's real health route, production dependencies
 * only in the runtime stage, sources the build context actually holds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execForm, parseDockerfile, type Stage } from './dockerfile';
import { ROOT } from './kit';

const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const { stages } = parseDockerfile(text);
const runtime = stages.at(-1)!;
const of = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword);

const hadolint = spawnSync('sh', ['-c', 'command -v hadolint']).status === 0;
if (!hadolint)
  console.warn(
    '[dockerfile] hadolint is not installed (not in Debian 12, not on npm): only the structural checks run',
  );

describe('Dockerfile', () => {
  it.skipIf(!hadolint)('passes hadolint', () => {
    const r = spawnSync('hadolint', ['Dockerfile'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout + r.stderr).toBe('');
  });

  it('builds from pinned base images, never latest', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) {
      const [, tag] = stage.image.split(':');
      expect(tag, `FROM ${stage.image}`).toMatch(/^\d/);
      expect(stage.image).not.toMatch(/:latest$/);
    }
  });

  it('runs the server as a non-root user with a HEALTHCHECK on /healthz', () => {
    const users = of(runtime, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!;
    expect(user.args).not.toMatch(/^(root|0)(:|$)/);
    const cmd = of(runtime, 'CMD').at(-1)!;
    expect(user.line).toBeLessThan(cmd.line);
    expect(execForm(cmd.args)).toEqual(['node', 'dist/server/marquee-server.mjs']);

    const [health] = of(runtime, 'HEALTHCHECK');
    expect(health, 'HEALTHCHECK in the runtime stage').toBeDefined();
    expect(health!.args).toMatch(/--interval=\d+s/);
    expect(health!.args).toContain('/healthz');
    // The route the check calls is the server's.
    expect(readFileSync(join(ROOT, 'server/src/app.ts'), 'utf8')).toContain("app.get('/healthz'");
  });

  it('gives the runtime stage production dependencies only', () => {
    for (const run of of(runtime, 'RUN')) expect(run.args).not.toMatch(/npm (ci|install)/);
    const nodeModules = of(runtime, 'COPY').find((c) => /node_modules/.test(c.args));
    const from = /--from=(\S+)/.exec(nodeModules?.args ?? '')?.[1];
    const source = stages.find((s) => s.name === from);
    expect(source, 'the stage node_modules come from').toBeDefined();
    const installs = of(source!, 'RUN').filter((r) => /npm ci/.test(r.args));
    expect(installs.map((r) => r.args).join('\n')).toMatch(/npm ci --omit=dev/);
    for (const r of installs) expect(r.args).toContain('--omit=dev');
    // The bundle comes from the build stage, which runs the same build script as the tests.
    const bundle = of(runtime, 'COPY').find((c) => /dist\/server/.test(c.args));
    const build = stages.find((s) => s.name === /--from=(\S+)/.exec(bundle!.args)?.[1]);
    expect(of(build!, 'RUN').map((r) => r.args)).toContain('node scripts/build-server.mjs');
    expect(text).not.toMatch(/^\s*ENV\s.*(PASSWORD|SECRET|TOKEN)/im);
  });

  it('copies only sources that exist and that .dockerignore lets into the context', () => {
    const allowed = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).replace(/\/$/, ''));
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8')).toMatch(/^\*$/m);
    const copies = stages.flatMap((s) => of(s, 'COPY')).filter((c) => !c.args.includes('--from'));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const src of parts.slice(0, -1)) {
        expect(existsSync(join(ROOT, src)), `COPY ${src}`).toBe(true);
        expect(
          allowed.some((a) => src === a || src.startsWith(`${a}/`)),
          `COPY ${src} is in the build context`,
        ).toBe(true);
      }
    }
  });
});
