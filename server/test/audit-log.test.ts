/** The audit log records actions and cannot be edited, on SQLite and PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordAudit, type AuditRow } from '../src/audit/audit-log';
import { testDatabases } from '../../test/helpers/databases';
import { startTestServer, type TestServer } from '../../test/helpers/server';

describe.each(testDatabases())('audit log storage (%s)', (dbKind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(dbKind);
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('appends entries and refuses to change or delete them', async () => {
    const knex = server.ctx.knex;
    await recordAudit(knex, {
      actor: { id: 'u-1', name: 'Ada', role: 'admin' },
      action: 'screen.registered',
      targetType: 'screen',
      targetId: 'lobby-1',
      summary: 'Registered screen Lobby (lobby-1)',
      details: { name: 'Lobby' },
    });
    const rows = await knex<AuditRow>('audit_log').where({ target_id: 'lobby-1' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor_name: 'Ada', action: 'screen.registered' });
    await expect(
      knex('audit_log').where({ target_id: 'lobby-1' }).update({ summary: 'nothing happened' }),
    ).rejects.toThrow(/append-only/);
    await expect(knex('audit_log').where({ target_id: 'lobby-1' }).del()).rejects.toThrow(
      /append-only/,
    );
    expect(await knex('audit_log').where({ target_id: 'lobby-1' }).first()).toMatchObject({
      summary: 'Registered screen Lobby (lobby-1)',
    });
  });
});
