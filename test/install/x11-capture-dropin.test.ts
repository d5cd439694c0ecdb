/**
 * resources/agent/x11-capture.conf, the drop-in that lets the hardened unit capture an X
 * display: systemd reads it with the unit (`systemd-analyze verify`, nothing refused), the unit
 * stays as hardened (`security --offline`), and its recipe works on a real kernel and a real
 * X server: in a mount namespace with a private /tmp (what PrivateTmp does) an unprivileged
 * user cannot reach an Xvfb that has no abstract socket; with the host's /tmp/.X11-unix bound
 * in read-only (BindReadOnlyPaths) and `xhost +SI:localuser:<user>` it captures with `xwd`,
 * without a cookie; a user the display does not allow still cannot.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = join(__dirname, '../..');
const unitFile = join(repo, 'resources/agent/marquee-agent.service');
const dropIn = join(repo, 'resources/agent/x11-capture.conf');
const isRoot = process.getuid?.() === 0;
/** Where the host's X socket directory is kept while /tmp is replaced (outside /tmp). */
const KEEP = `/run/marquee-x11-test-${process.pid}`;
if (!isRoot)
  console.warn('[x11-capture] namespace run skipped: it needs root (unshare --mount, setpriv)');

function requireTool(tool: string, debianPackage: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  expect(
    found,
    `${tool} is not installed: apt-get install -y ${debianPackage} (.ci/run installs it)`,
  ).toBe(true);
}

describe('the X11 capture drop-in', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'marquee-x11-dropin-'));
  let xvfb: ChildProcess | undefined;
  afterAll(() => {
    if (xvfb?.pid) process.kill(xvfb.pid, 'SIGTERM');
    rmSync(tmp, { recursive: true, force: true });
    // The mount point the namespaces used (their mounts went with them).
    if (isRoot) rmSync(KEEP, { recursive: true, force: true });
  });

  it('is read with the unit by systemd, refused in nothing, and keeps the unit hardened', () => {
    requireTool('systemd-analyze', 'systemd');
    const dir = join(tmp, 'units');
    mkdirSync(join(dir, 'marquee-agent.service.d'), { recursive: true });
    copyFileSync(unitFile, join(dir, 'marquee-agent.service'));
    copyFileSync(dropIn, join(dir, 'marquee-agent.service.d/x11-capture.conf'));
    const unit = join(dir, 'marquee-agent.service');
    const verify = spawnSync('systemd-analyze', ['verify', unit], { encoding: 'utf8' });
    expect(verify.stdout + verify.stderr).toBe('');
    expect(verify.status).toBe(0);
    // The loaded unit, as systemd dumps it: the drop-in applied on top of the hardening.
    const dump = spawnSync('systemd-analyze', ['verify', unit], {
      encoding: 'utf8',
      env: { ...process.env, SYSTEMD_LOG_LEVEL: 'debug' },
    });
    const text = dump.stdout + dump.stderr;
    expect(text).toContain(`DropIn Path: ${join(dir, 'marquee-agent.service.d/x11-capture.conf')}`);
    expect(text).toMatch(/BindReadOnlyPaths: \/tmp\/\.X11-unix:\/tmp\/\.X11-unix/);
    expect(text).toMatch(/Environment: DISPLAY=:0\n/);
    expect(text).toMatch(/PrivateTmp: yes\n/);
    expect(text).toMatch(/ProtectHome: yes\n/);
    const security = execFileSync('systemd-analyze', ['security', '--offline=true', unit], {
      encoding: 'utf8',
    });
    const exposure = Number(/Overall exposure level for [^:]+: ([\d.]+)/.exec(security)?.[1]);
    expect(exposure).toBeLessThan(2.5);
  });

  it.runIf(isRoot)(
    'private /tmp hides the display; the read-only bind and xhost SI make xwd work',
    async () => {
      for (const [tool, pkg] of [
        ['Xvfb', 'xvfb'],
        ['xwd', 'x11-apps'],
        ['xhost', 'x11-xserver-utils'],
        ['xauth', 'xauth'],
        ['unshare', 'util-linux'],
        ['setpriv', 'util-linux'],
      ])
        requireTool(tool!, pkg!);
      // A free display number and a cookie: the server demands authorization.
      let display = 90 + Math.floor(Math.random() * 400);
      while (existsSync(`/tmp/.X11-unix/X${display}`)) display += 1;
      const cookie = join(tmp, 'cookie');
      writeFileSync(cookie, '');
      execFileSync('xauth', [
        '-f',
        cookie,
        'add',
        `:${display}`,
        '.',
        execFileSync('sh', ['-c', 'head -c16 /dev/urandom | od -An -tx1 | tr -d " \\n"'], {
          encoding: 'utf8',
        }),
      ]);
      // -nolisten local: no abstract socket, so only the socket file in /tmp reaches it (as
      // with display managers that start X so); -noreset: xhost's list outlives its client.
      xvfb = spawn(
        'Xvfb',
        [`:${display}`, '-auth', cookie, '-noreset', '-nolisten', 'tcp', '-nolisten', 'local'],
        { stdio: 'ignore' },
      );
      const deadline = Date.now() + 10_000;
      while (!existsSync(`/tmp/.X11-unix/X${display}`)) {
        if (Date.now() > deadline) throw new Error('Xvfb did not start');
        await new Promise((r) => setTimeout(r, 50));
      }
      const allowed = 65534; // nobody, by its name as the display's session would name it
      execFileSync('xhost', ['+SI:localuser:nobody'], {
        env: { DISPLAY: `:${display}`, XAUTHORITY: cookie },
      });
      const bind = `mkdir -p ${KEEP} && mount --bind /tmp/.X11-unix ${KEEP} && `;
      const privateTmp = 'mount -t tmpfs tmpfs /tmp && ';
      const bindBack = `mkdir /tmp/.X11-unix && mount --bind ${KEEP} /tmp/.X11-unix && mount -o remount,bind,ro /tmp/.X11-unix && `;
      const capture = (uid: number, setup: string) =>
        spawnSync(
          'unshare',
          [
            '--mount',
            '--propagation',
            'private',
            'sh',
            '-c',
            `${setup}exec setpriv --reuid=${uid} --regid=${uid} --clear-groups env -i DISPLAY=:${display} xwd -root -silent`,
          ],
          { maxBuffer: 64 * 1024 * 1024 },
        );
      const hidden = capture(allowed, privateTmp);
      expect(hidden.status).not.toBe(0);
      expect(hidden.stderr.toString()).toContain('unable to open display');
      const shown = capture(allowed, bind + privateTmp + bindBack);
      expect(shown.status, shown.stderr.toString()).toBe(0);
      // An XWD dump of the 1280×1024 default screen: a header and then the pixels.
      expect(shown.stdout.length).toBeGreaterThan(1280 * 1024);
      const stranger = capture(65533, bind + privateTmp + bindBack);
      expect(stranger.status).not.toBe(0);
      expect(stranger.stderr.toString()).toMatch(/Authorization required|unable to open display/);
    },
    60_000,
  );
});
