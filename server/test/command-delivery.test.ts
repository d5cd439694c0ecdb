/**
 * Commands survive a broker crash. A real Mosquitto (persistence on, like production) is
 * SIGKILLed with commands in flight and restarted on the same port without the sessions it had
 * not saved yet; 20 real agents (the agent's own code) reconnect. Every command must be run
 * exactly once by its agent and end `succeeded` — including those the restarted broker
 * acknowledged and dropped because their agent had not resubscribed yet (they showed `sent`
 * until they expired before the server offered commands until the agent answers).
 * Also: a command created while the link is down is published at once when it is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command, CreateScreenResponse, Responses } from '../../protocol';
import { testDatabases } from '../../test/helpers/databases';
import { startMosquitto, type MosquittoProcess } from '../../test/helpers/mosquitto-process';
import { startRecordingAgent, type RecordingAgent } from '../../test/helpers/recording-agents';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

const AGENTS = 20;
const PER_AGENT = 10; // 200 commands: 4 before the crash, 3 while down, 3 right after

describe.each(testDatabases())('command delivery across a broker crash (%s)', (dbKind) => {
  let broker: MosquittoProcess;
  let server: TestServer;
  let token: string;
  const agents: RecordingAgent[] = [];

  beforeAll(async () => {
    broker = await startMosquitto();
    // Shipped defaults (sweep, offers); only the broker is external.
    server = await startTestServer(dbKind, { mqttUrl: broker.url });
    token = (await login(server)).token;
    for (let i = 0; i < AGENTS; i++) {
      const id = `dlv-${i}`;
      const res = await api<CreateScreenResponse>(
        server,
        'POST',
        '/api/screens',
        { id, name: `Screen ${i}` },
        token,
      );
      agents.push(
        await startRecordingAgent({
          screenId: id,
          brokerUrl: broker.url,
          password: res.body.credentials.password,
          // A fleet comes back spread over seconds (jittered backoff, thousands of agents);
          // these 20 come back after the server's link (1 s), as a large fleet does.
          reconnectMinMs: 4_000,
        }),
      );
    }
    await waitFor(
      () => agents.every((a) => server.fleet.state.get(a.screenId)?.state === 'online'),
      10_000,
      'every agent online',
    );
  }, 60_000);

  afterAll(async () => {
    for (const a of agents) await a.agent.stop().catch(() => undefined);
    await server?.stop();
    await broker?.close();
  });

  const brokerLinkUp = async () =>
    (await api<{ broker: boolean }>(server, 'GET', '/healthz')).body.broker;

  /** Sends setBrightness `value` to one screen; the value names the command in the agent. */
  const send = async (screenId: string, value: number) => {
    const res = await api<Responses['sendCommand']>(
      server,
      'POST',
      '/api/commands',
      {
        commandId: `req-${screenId}-${value}`,
        target: { screenIds: [screenId] },
        type: 'setBrightness',
        params: { brightness: value },
        ttlS: 600,
      },
      token,
    );
    expect(res.status).toBe(201);
    return res.body.commands[0]!.id;
  };
  const sendRound = (values: number[]) =>
    Promise.all(agents.flatMap((a) => values.map((v) => send(a.screenId, v))));

  const statuses = async (ids: string[]) => {
    const rows: Pick<Command, 'id' | 'status'>[] = await server.ctx
      .knex('commands')
      .whereIn('id', ids)
      .select('id', 'status');
    return rows;
  };

  it('runs every command exactly once after Mosquitto is SIGKILLed and restarted', async () => {
    const ids: string[] = [];
    ids.push(...(await sendRound([1, 2, 3, 4])));
    await broker.kill(); // mid-flight: some taken, some not yet run, nothing saved
    await waitFor(async () => !(await brokerLinkUp()), 5000, 'the link to notice');
    ids.push(...(await sendRound([5, 6, 7]))); // stored while the broker is down
    await new Promise((r) => setTimeout(r, 1_500)); // the agents' first retry finds it down
    const restartedAt = Date.now();
    await broker.start();
    await waitFor(brokerLinkUp, 5000, 'the server link back');
    // Published at once, while the agents are still reconnecting: the broker has no session
    // for them yet and drops these after its PUBACK.
    ids.push(...(await sendRound([8, 9, 10])));
    expect(ids).toHaveLength(AGENTS * PER_AGENT);

    await waitFor(
      async () => (await statuses(ids)).every((c) => c.status === 'succeeded'),
      60_000,
      'every command succeeded',
    ).catch(async (err: Error) => {
      const counts: Record<string, number> = {};
      for (const c of await statuses(ids)) counts[c.status] = (counts[c.status] ?? 0) + 1;
      throw new Error(`${err.message}; statuses: ${JSON.stringify(counts)}`);
    });
    const allDoneMs = Date.now() - restartedAt;
    // When the last agent was back: the part of allDoneMs that is the agents' own backoff.
    const lastAgentBackMs =
      Math.max(
        ...agents.map((a) =>
          Math.max(
            ...a.lines
              .map((l) => JSON.parse(l) as { t: string; msg: string })
              .filter((l) => l.msg === 'connected')
              .map((l) => Date.parse(l.t)),
          ),
        ),
      ) - restartedAt;
    // Past the first re-offer: repeats that are still on the way must not run anything again.
    await new Promise((r) => setTimeout(r, 6_000));
    for (const a of agents) {
      const values = a.executed.map((c) => (c.params as { brightness: number }).brightness);
      expect(
        values.sort((x, y) => x - y),
        a.screenId,
      ).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    }
    console.log(
      `[command delivery ${dbKind}] ${ids.length} commands to ${AGENTS} agents, broker SIGKILLed mid-flight: all succeeded ${allDoneMs} ms after the restart (last agent back after ${lastAgentBackMs} ms), each run once`,
    );
  }, 120_000);

  it('publishes a command created while the link was down as soon as it is back', async () => {
    await broker.kill();
    await waitFor(async () => !(await brokerLinkUp()), 5000, 'the link to notice');
    const id = await send(agents[0]!.screenId, 42);
    await broker.start();
    await waitFor(brokerLinkUp, 5000, 'the server link back');
    const linkBackAt = Date.now();
    const sent = await waitFor(
      async () => {
        const row = (await server.ctx.knex('commands').where({ id }).first()) as
          { status: string; updated_at: string | number } | undefined;
        return row && row.status !== 'queued' ? Number(row.updated_at) : null;
      },
      20_000,
      'the command handed to the broker',
    );
    const afterLinkMs = sent - linkBackAt;
    console.log(
      `[command delivery ${dbKind}] queued command published ${afterLinkMs} ms after the link came back`,
    );
    // /healthz is polled every 20 ms, so the link was back at most ~20 ms before linkBackAt.
    expect(afterLinkMs).toBeLessThan(1000);
    await waitFor(
      async () => (await statuses([id]))[0]?.status === 'succeeded',
      30_000,
      'run by the agent',
    );
  }, 60_000);
});
