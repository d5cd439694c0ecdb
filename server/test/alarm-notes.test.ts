/**
 * Alarms at volume (issue 11), on SQLite and PostgreSQL: an acknowledgement carries the
 * person's name and is audited once; notes are stored with author and time, idempotent by
 * their id, travel through the change log (sync) with their alarm, and are audited; bad
 * notes are refused with a reason and change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alarm, SyncResult } from '../../protocol';
import { ALARM_NOTE_MAX } from '../../protocol';
import { raiseAlarm } from '../src/alarms/alarms-repo';
import type { AuditRow } from '../src/audit/audit-log';
import { testDatabases } from '../../test/helpers/databases';
import {
  api,
  connectSocket,
  emitAck,
  login,
  startTestServer,
  type ConsoleSocket,
  type TestServer,
} from '../../test/helpers/server';

type AckOf<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string } };

describe.each(testDatabases())('alarm notes and named acknowledgements (%s)', (dbKind) => {
  let server: TestServer;
  let socket: ConsoleSocket;
  let adminName: string;
  let alarm: Alarm;

  beforeAll(async () => {
    server = await startTestServer(dbKind);
    const session = await login(server);
    adminName = session.user.name;
    socket = await connectSocket(server, session.token);
    await api(
      server,
      'POST',
      '/api/screens',
      { id: 'note-1', name: 'Harbour Front' },
      session.token,
    );
    ({ alarm } = await raiseAlarm(server.ctx.knex, {
      screenId: 'note-1',
      kind: 'fault',
      code: 'PANEL',
      severity: 'critical',
      message: 'Harbour Front: panel failure',
    }));
  });
  afterAll(async () => {
    socket?.close();
    await server?.stop();
  });

  const audit = (action: string) =>
    server.ctx.knex<AuditRow>('audit_log').where({ action, target_id: alarm.id });

  it('names the acknowledger and audits the acknowledgement once', async () => {
    const first = await emitAck<AckOf<Alarm>>(socket, 'ackAlarm', { alarmId: alarm.id });
    const again = await emitAck<AckOf<Alarm>>(socket, 'ackAlarm', { alarmId: alarm.id });
    expect(first).toMatchObject({ ok: true, data: { acknowledgedByName: adminName } });
    expect(again.ok && first.ok && again.data.rev === first.data.rev).toBe(true);
    const rows = await audit('alarm.acknowledged');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_name: adminName, target_type: 'alarm' });
  });

  it('stores a note once per id, with its author, and sends it through sync', async () => {
    const { data: before } = await emitAck<{ data: SyncResult }>(socket, 'sync', { cursor: 0 });
    const spec = { alarmId: alarm.id, noteId: 'n-1', body: 'Vendor called, panel ships Monday' };
    const noted = await emitAck<AckOf<Alarm>>(socket, 'noteAlarm', spec);
    const retried = await emitAck<AckOf<Alarm>>(socket, 'noteAlarm', spec);
    expect(noted.ok && retried.ok).toBe(true);
    if (!noted.ok || !retried.ok) return;
    expect(noted.data.notes).toEqual([
      expect.objectContaining({ id: 'n-1', authorName: adminName, body: spec.body }),
    ]);
    expect(retried.data.rev).toBe(noted.data.rev);
    const { data: after } = await emitAck<{ data: SyncResult }>(socket, 'sync', {
      cursor: before.cursor,
    });
    expect(after.alarms.find((a) => a.id === alarm.id)?.notes).toHaveLength(1);
    expect(await audit('alarm.noted')).toHaveLength(1);
  });

  it('refuses an empty or too long note and changes nothing', async () => {
    const revBefore = Number((await server.ctx.knex('alarms').where({ id: alarm.id }).first()).rev);
    for (const body of ['   ', 'x'.repeat(ALARM_NOTE_MAX + 1)]) {
      const res = await emitAck<AckOf<Alarm>>(socket, 'noteAlarm', {
        alarmId: alarm.id,
        noteId: `bad-${body.length}`,
        body,
      });
      expect(res).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    const unknown = await emitAck<AckOf<Alarm>>(socket, 'noteAlarm', {
      alarmId: 'no-such-alarm',
      noteId: 'n-2',
      body: 'hello',
    });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not_found' } });
    const row = await server.ctx.knex('alarms').where({ id: alarm.id }).first();
    expect(Number(row.rev)).toBe(revBefore);
    expect(JSON.parse(row.notes as string)).toHaveLength(1);
    expect(await audit('alarm.noted')).toHaveLength(1);
  });
});
