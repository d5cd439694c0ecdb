/**
 * The server the alarm-rules suites share (alarm-rules.test.ts, alarm-storms.test.ts): a real
 * server on SQLite or PostgreSQL, screens reporting through the real MQTT ingest path, and the
 * sweep run by the test with a clock ahead of time (`sweep(now)`), so a 60 s grace needs no
 * 60 s wait. Registers its own beforeAll/afterAll.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Alarm, AlarmRule, CreateScreenResponse } from '../../protocol';
import type { DbKind } from '../../test/helpers/databases';
import {
  api,
  connectSocket,
  login,
  startTestServer,
  waitFor,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

export const OPERATOR = { email: 'olga@ops.test', password: 'olga-operator-1', name: 'Olga Ops' };

export function alarmRulesWorld(dbKind: DbKind) {
  const w = {
    server: null as unknown as TestServer,
    token: '',
    opToken: '',
    socket: null as unknown as ConsoleSocket,
    seen: new Map<string, Alarm>(),
    boots: new Map<string, { bootId: string; seq: number; n: number }>(),
  };

  beforeAll(async () => {
    w.server = await startTestServer(dbKind, {
      alarmGraceMs: 300,
      heartbeatTimeoutMs: 600_000,
      // The test runs every sweep itself, with its own clock.
      sweepMs: 3_600_000,
      flapTransitions: 4,
      flapWindowMs: 60_000,
      stormMinScreens: 5,
    });
    w.token = (await login(w.server)).token;
    await api(w.server, 'POST', '/api/users', { ...OPERATOR, role: 'operator' }, w.token);
    w.opToken = (await login(w.server, OPERATOR)).token;
    w.socket = await connectSocket(w.server, w.token);
    w.socket.on('alarm', (a) => w.seen.set(a.id, a));
  }, 60_000);
  afterAll(async () => {
    w.socket?.close();
    await w.server?.stop();
  });

  const knex = () => w.server.ctx.knex;
  const create = async (id: string, tags: string[] = [], address?: string) => {
    const res = await api<CreateScreenResponse>(
      w.server,
      'POST',
      '/api/screens',
      { id, name: `Screen ${id}`, tags, ...(address ? { address } : {}) },
      w.token,
    );
    expect(res.status).toBe(201);
  };
  const publish = (id: string, suffix: string, payload: object) =>
    w.server.fleet.ingest.handle(
      `marquee/v1/screens/${id}/${suffix}`,
      Buffer.from(JSON.stringify(payload)),
    );
  /** A state as the screen's agent publishes it; `online` is a new boot (an agent start). */
  const state = (id: string, s: 'online' | 'offline' | 'lost') => {
    const prev = w.boots.get(id);
    const boot =
      s === 'online' || !prev
        ? { bootId: `${id}-b${(prev?.n ?? 0) + 1}`, seq: 0, n: (prev?.n ?? 0) + 1 }
        : prev;
    boot.seq += 1;
    w.boots.set(id, boot);
    const result = publish(id, 'state', {
      ts: Date.now(),
      bootId: boot.bootId,
      seq: boot.seq,
      state: s,
      agentVersion: '1.0.0',
      capabilities: [],
    });
    expect(result).toBe('applied');
  };
  const stored = async (ids: string[], s: string) =>
    waitFor(
      async () =>
        (await knex()('screens').whereIn('id', ids).andWhere({ state: s })).length === ids.length,
      10_000,
      `${ids.length} screen(s) ${s} in the database`,
    );
  const goDown = async (ids: string[], s: 'lost' | 'offline' = 'lost') => {
    for (const id of ids) state(id, s);
    await stored(ids, s);
  };
  const goOnline = async (ids: string[]) => {
    for (const id of ids) state(id, 'online');
    await stored(ids, 'online');
  };
  const sweep = (aheadMs = 1000) => w.server.alarms.evaluator.sweep(Date.now() + aheadMs);
  const alarmsOf = async (screenId: string, kind?: string): Promise<Alarm[]> => {
    const res = await api<{ alarms: Alarm[] }>(
      w.server,
      'GET',
      `/api/alarms?screenId=${encodeURIComponent(screenId)}`,
      undefined,
      w.token,
    );
    return res.body.alarms.filter((a) => !kind || a.kind === kind);
  };
  const openOf = async (screenId: string, kind: string) =>
    (await alarmsOf(screenId, kind)).filter((a) => a.status !== 'cleared');
  const putRule = (scope: string, target: string, settings: unknown, as = w.token) =>
    api<{ rule: AlarmRule; error?: { message: string } }>(
      w.server,
      'PUT',
      `/api/alarm-rules/${scope}/${encodeURIComponent(target)}`,
      settings,
      as,
    );
  /**
   * Notifications of a new alarm (one per admin/operator, no route being set: alerting's
   * fallback), not counting its "back online" ones.
   */
  const notified = async (alarmId: string) =>
    Number(
      (
        await knex()('notifications')
          .where({ ref_type: 'alarm', ref_id: alarmId })
          .whereNot('title', 'like', 'Back online%')
          .count<{ n: number }[]>({ n: '*' })
      )[0]!.n,
    );
  /** Every console notification title of an alarm, for the admin, in order. */
  const titles = async (alarmId: string) =>
    (
      await knex()('notifications')
        .join('users', 'users.id', 'notifications.user_id')
        .where({ ref_type: 'alarm', ref_id: alarmId, 'users.role': 'admin' })
        .orderBy('notifications.rev')
        .select('notifications.title')
    ).map((r: { title: string }) => r.title);

  // Getters: the server and tokens exist only once beforeAll has run.
  return {
    seen: w.seen,
    boots: w.boots,
    get server() {
      return w.server;
    },
    get token() {
      return w.token;
    },
    get opToken() {
      return w.opToken;
    },
    knex,
    create,
    publish,
    state,
    stored,
    goDown,
    goOnline,
    sweep,
    alarmsOf,
    openOf,
    putRule,
    notified,
    titles,
  };
}
