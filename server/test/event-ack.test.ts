/**
 * Acknowledge what is stored. Real agents (the agent's own code, its disk queue deletes an
 * event on the PUBACK) stream 100 fault events while the server's PostgreSQL database becomes
 * unreachable for a while (connections refused and the open ones terminated, as in a database
 * restart). Afterwards every event is stored exactly once and every fault has its alarm: the
 * server acknowledged nothing it had not written, and retried what failed. Run on both brokers
 * the server's MQTT link is used with: the embedded Aedes and a real Mosquitto.
 *
 * SQLite is not part of this test: it is a local file without connections to lose, and a
 * lock held past its busy timeout would block the whole process (better-sqlite3 is synchronous)
 * rather than make a blip.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateScreenResponse, Responses } from '../../protocol';
import { testPostgresUrl } from '../../test/helpers/databases';
import { startMosquitto, type MosquittoProcess } from '../../test/helpers/mosquitto-process';
import { startRecordingAgent, type RecordingAgent } from '../../test/helpers/recording-agents';
import { api, login, startTestServer, waitFor, type TestServer } from '../../test/helpers/server';

const PG_URL = testPostgresUrl() ?? undefined;
const AGENTS = 20;
const FAULTS_PER_AGENT = 5; // 100 fault events
const EVENT_EVERY_MS = 40;
const OUTAGE_MS = 2_000;
const COMMAND_TAKES_MS = 2_500;

if (!PG_URL) {
  console.warn(
    '[marquee tests] event-ack: skipped, it needs PostgreSQL and this run has none (the first lines say why)',
  );
}

/** Makes one database unreachable: new connections refused, open ones terminated. */
async function databaseOutage(dbName: string, ms: number): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS false`);
    const until = Date.now() + ms;
    while (Date.now() < until) {
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [dbName],
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await admin.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`);
    await admin.end();
  }
}

describe.skipIf(!PG_URL).each(['aedes', 'mosquitto'] as const)(
  'events acknowledged only once stored, across a PostgreSQL outage (%s)',
  (brokerKind) => {
    let broker: MosquittoProcess | null = null;
    let server: TestServer;
    const agents: RecordingAgent[] = [];

    beforeAll(async () => {
      if (brokerKind === 'mosquitto') broker = await startMosquitto();
      server = await startTestServer('postgres', broker ? { mqttUrl: broker.url } : {});
      const { token } = await login(server);
      for (let i = 0; i < AGENTS; i++) {
        const id = `ack-${i}`;
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
            brokerUrl: server.mqttUrl,
            password: res.body.credentials.password,
            executeDelayMs: COMMAND_TAKES_MS,
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

    it('stores all 100 fault events exactly once and raises all 100 alarms', async () => {
      const dbName = new URL(server.ctx.config.databaseUrl!).pathname.slice(1);
      const total = AGENTS * FAULTS_PER_AGENT;
      let outage: Promise<void> | null = null;
      for (let n = 0; n < total; n++) {
        const agent = agents[n % AGENTS]!;
        const code = `fault-${Math.floor(n / AGENTS)}`;
        agent.agent.report({
          kind: 'fault',
          code,
          severity: 'warning',
          message: `test fault ${n}`,
        });
        if (n === 30) outage = databaseOutage(dbName, OUTAGE_MS);
        await new Promise((r) => setTimeout(r, EVENT_EVERY_MS));
      }
      await outage;
      const databaseBackAt = Date.now();

      const stored = async () =>
        (await server.ctx
          .knex('screen_events')
          .where({ kind: 'fault' })
          .select('screen_id', 'event_id', 'payload')) as {
          screen_id: string;
          event_id: string;
          payload: string;
        }[];
      const alarms = async () =>
        (await server.ctx.knex('alarms').where({ kind: 'fault' }).select('screen_id', 'code')) as {
          screen_id: string;
          code: string;
        }[];
      await waitFor(
        async () =>
          agents.every((a) => a.agent.pendingEvents === 0) &&
          (await stored()).length >= total &&
          (await alarms()).length >= total,
        30_000,
        'every event acknowledged and stored',
      ).catch(async (err: Error) => {
        const pending = agents.reduce((s, a) => s + a.agent.pendingEvents, 0);
        throw new Error(
          `${err.message}: ${(await stored()).length} events and ${(await alarms()).length} alarms stored, ${pending} still queued by agents`,
        );
      });

      const storedAfterMs = Date.now() - databaseBackAt;
      const rows = await stored();
      expect(rows).toHaveLength(total);
      expect(new Set(rows.map((r) => `${r.screen_id}/${r.event_id}`)).size).toBe(total);
      const faultKeys = (list: { screen_id: string; code: string }[]) =>
        list.map((r) => `${r.screen_id}/${r.code}`).sort();
      const expected = agents
        .flatMap((a) =>
          Array.from({ length: FAULTS_PER_AGENT }, (_, k) => ({
            screen_id: a.screenId,
            code: `fault-${k}`,
          })),
        )
        .map((r) => `${r.screen_id}/${r.code}`)
        .sort();
      expect(
        faultKeys(
          rows.map((r) => ({
            screen_id: r.screen_id,
            code: (JSON.parse(r.payload) as { code: string }).code,
          })),
        ),
      ).toEqual(expected);
      expect(faultKeys(await alarms())).toEqual(expected);
      console.log(
        `[event ack ${brokerKind}] ${total} fault events from ${AGENTS} agents across a ${OUTAGE_MS} ms PostgreSQL outage: ${rows.length} stored once, ${(await alarms()).length} alarms, all within ${storedAfterMs} ms of the database's return`,
      );
    }, 90_000);

    it('stores command results that arrive while the database is away', async () => {
      const dbName = new URL(server.ctx.config.databaseUrl!).pathname.slice(1);
      const { token } = await login(server);
      const ids: string[] = [];
      for (const a of agents) {
        const res = await api<Responses['sendCommand']>(
          server,
          'POST',
          '/api/commands',
          {
            commandId: `req-outage-${a.screenId}`,
            target: { screenIds: [a.screenId] },
            type: 'setBrightness',
            params: { brightness: 33 },
          },
          token,
        );
        ids.push(res.body.commands[0]!.id);
      }
      const statuses = async () =>
        (await server.ctx.knex('commands').whereIn('id', ids).select('status')).map(
          (r: { status: string }) => r.status,
        );
      await waitFor(
        async () => (await statuses()).every((s) => s === 'accepted' || s === 'succeeded'),
        10_000,
        'every command accepted',
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await statuses())}`);
      });
      expect(await statuses()).toContain('accepted');
      // Each agent reports `succeeded` 2.5 s after `accepted`: inside a 4 s outage.
      await databaseOutage(dbName, COMMAND_TAKES_MS + 1_500);
      await waitFor(
        async () => (await statuses()).every((s) => s === 'succeeded'),
        15_000,
        'every result stored',
      ).catch(async (err: Error) => {
        throw new Error(`${err.message}: ${JSON.stringify(await statuses())}`);
      });
      for (const a of agents)
        expect(
          a.executed.filter((c) => (c.params as { brightness?: number }).brightness === 33),
        ).toHaveLength(1);
    }, 60_000);

    it('stores an alarm whose composed text outgrows its column, clipped, and keeps serving', async () => {
      const agent = agents[0]!;
      // Two slots under the per-screen fault cap, so both faults below get alarms of their own.
      for (const code of ['fault-0', 'fault-1']) agent.agent.report({ kind: 'faultCleared', code });
      // "Screen 0: " + 500 characters is over the alarm message column's 500: unclipped,
      // PostgreSQL refused it for good and the fault had no alarm.
      agent.agent.report({
        kind: 'fault',
        code: 'too-long',
        severity: 'warning',
        message: 'x'.repeat(500),
      });
      agent.agent.report({ kind: 'fault', code: 'after', severity: 'warning', message: 'next' });
      const alarm = (code: string) =>
        server.ctx.knex('alarms').where({ screen_id: agent.screenId, code }).first() as Promise<
          { message: string } | undefined
        >;
      await waitFor(() => alarm('after'), 10_000, 'the next fault alarmed');
      const long = await alarm('too-long');
      expect(long?.message).toHaveLength(500);
      expect(long?.message.startsWith(`Screen 0: xxx`)).toBe(true);
    }, 30_000);
  },
);
