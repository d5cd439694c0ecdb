/**
 * Crash and power-loss detection with the SHIPPED defaults (hardening issue 10): the real agent
 * process, configured with nothing but its identity and broker, on a Mosquitto configured as
 * resources/mosquitto/ ships it and on the server's embedded broker. Measured where an
 * operator sees it: a console socket's `billboardStatusUpdate`.
 * - crash (SIGKILL: the OS closes the TCP connection) → `lost` ≤ 2 s;
 * - frozen (SIGSTOP: the connection stays open, as with a power cut or a pulled cable; the
 *   broker notices after 1.5 × keepalive without a packet) → `lost` ≤ 15 s.
 * Both agents of a broker run side by side, so one wait covers both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse } from '../../protocol';
import {
  mosquittoHash,
  renderAcl,
  writeMosquittoAuth,
} from '../../server/src/broker/mosquitto-auth';
import {
  api,
  connectSocket,
  login,
  startTestServer,
  waitFor,
  type TestServer,
} from '../../test/helpers/server';
import { spawnAgent, writeConfig, type AgentProcess } from './helpers/agent-process';
import { startMosquitto } from '../../test/helpers/mosquitto-process';
import { tempDir } from './helpers/tmp';

const CRASH_TARGET_MS = 2_000;
const FROZEN_TARGET_MS = 15_000;
const SERVER_LOGIN = { username: 'marquee-server', password: 'server-secret-for-tests' };

interface Setup {
  server: TestServer;
  brokerUrl: string;
  /** After screens were created: make their credentials valid on the broker. */
  provisioned(): Promise<void>;
  /** The broker's own log, when it is a separate process. */
  brokerLog(): string;
  close(): Promise<void>;
}

async function embedded(): Promise<Setup> {
  const server = await startTestServer('sqlite');
  return {
    server,
    brokerUrl: server.mqttUrl,
    provisioned: () => Promise.resolve(),
    brokerLog: () => '(in the server process)',
    close: () => server.stop(),
  };
}

async function mosquitto(): Promise<Setup> {
  const dir = tempDir('mosquitto');
  const passwordFile = path.join(dir, 'marquee.passwd');
  const aclFile = path.join(dir, 'marquee.acl');
  // The server's own login first, so it can connect; devices are added once they exist.
  fs.writeFileSync(
    passwordFile,
    `${SERVER_LOGIN.username}:${mosquittoHash(SERVER_LOGIN.password)}\n`,
    {
      mode: 0o600,
    },
  );
  fs.writeFileSync(aclFile, renderAcl(SERVER_LOGIN.username));
  // The shipped file with only the port, auth files and persistence directory moved.
  fs.mkdirSync(path.join(dir, 'persistence'), { recursive: true });
  const broker = await startMosquitto('marquee.conf', dir, {
    password_file: `password_file ${passwordFile}`,
    acl_file: `acl_file ${aclFile}`,
    persistence: 'persistence true',
    persistence_location: `persistence_location ${path.join(dir, 'persistence')}/`,
    log_dest: null,
    pid_file: null,
    user: null,
  });
  const server = await startTestServer('sqlite', {
    mqttUrl: `mqtt://${SERVER_LOGIN.username}:${SERVER_LOGIN.password}@127.0.0.1:${broker.port}`,
  });
  return {
    server,
    brokerUrl: broker.url,
    brokerLog: () => broker.log(),
    provisioned: async () => {
      await writeMosquittoAuth(server.ctx.knex, dir, SERVER_LOGIN);
      await broker.reload();
    },
    close: async () => {
      await server.stop();
      await broker.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe.each([
  ['Mosquitto (shipped configuration)', mosquitto],
  ['the embedded broker', embedded],
] as const)('loss detection with shipped agent defaults on %s', (brokerName, start) => {
  let setup: Setup | null = null;
  const agents: AgentProcess[] = [];

  afterAll(async () => {
    for (const a of agents) {
      if (a.child.exitCode === null && a.child.signalCode === null) {
        a.child.kill('SIGCONT');
        a.child.kill('SIGKILL');
        await a.exited;
      }
    }
    await setup?.close();
  });

  it('shows a crashed agent lost within 2 s and a frozen one within 15 s', async () => {
    setup = await start();
    const { server } = setup;
    const { token } = await login(server);
    const suffix = Math.random().toString(36).slice(2, 8);
    const ids = { crash: `ld-crash-${suffix}`, frozen: `ld-frozen-${suffix}` };
    const passwords: Record<string, string> = {};
    for (const id of Object.values(ids)) {
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: id },
        token,
      );
      passwords[id] = res.body.credentials.password;
    }
    await setup.provisioned();

    const socket = await connectSocket(server, token);
    const lostAt = new Map<string, number>();
    socket.on('billboardStatusUpdate', (u) => {
      for (const s of u.screens)
        if (s.state === 'lost' && !lostAt.has(s.id)) lostAt.set(s.id, Date.now());
    });

    const dataDir = tempDir('loss');
    for (const id of Object.values(ids)) {
      // Only what a screen must be told: who it is and where its broker is. Everything else —
      // keepalive, Will Delay, protocol version, telemetry interval — is the shipped default.
      const file = writeConfig(dataDir, {
        screenId: id,
        broker: { url: setup.brokerUrl, username: id, password: passwords[id] },
        dataDir: path.join(dataDir, id),
      });
      agents.push(spawnAgent(file));
    }
    await Promise.all(agents.map((a) => a.waitForLine('"connected"')));
    await waitFor(
      () => Object.values(ids).every((id) => server.fleet.state.get(id)?.state === 'online'),
      10_000,
      'both screens online',
    );

    const [crash, frozen] = agents as [AgentProcess, AgentProcess];
    const t0 = Date.now();
    crash.child.kill('SIGKILL');
    frozen.child.kill('SIGSTOP');
    await waitFor(() => lostAt.has(ids.crash), CRASH_TARGET_MS + 5_000, 'crash → lost');
    const crashMs = lostAt.get(ids.crash)! - t0;
    console.log(`[loss detection] ${brokerName}: SIGKILL → lost in ${crashMs} ms`);
    expect.soft(crashMs).toBeLessThanOrEqual(CRASH_TARGET_MS);
    await waitFor(() => lostAt.has(ids.frozen), FROZEN_TARGET_MS + 10_000, 'frozen → lost');
    const frozenMs = lostAt.get(ids.frozen)! - t0;
    // When the server learned it (a lost is stamped on arrival), apart from the console's view.
    const learnedMs = (server.fleet.state.get(ids.frozen)?.stateSince ?? NaN) - t0;
    console.log(
      `[loss detection] ${brokerName}: SIGSTOP → lost in ${frozenMs} ms (server: ${learnedMs} ms)`,
    );
    if (frozenMs > FROZEN_TARGET_MS)
      console.log(`broker log (SIGSTOP at ${new Date(t0).toISOString()}):\n${setup.brokerLog()}`);
    expect(frozenMs).toBeLessThanOrEqual(FROZEN_TARGET_MS);
    socket.close();
  }, 60_000);
});
