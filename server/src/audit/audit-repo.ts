/**
 * Reading the audit log: filters, text search and keyset pages (newest first by seq).
 * Read-only by design: this module has no insert, update or delete (recordAudit in
 * audit-log.ts is the only writer, and the database refuses changes to existing rows).
 */
import type { Knex } from 'knex';
import { AUDIT_PAGE_DEFAULT, Role, type AuditEntry, type AuditQuery } from '../../../protocol';
import type { AuditRow } from './audit-log';

/** LIKE wildcards in what a person typed are searched for literally (escaped with `\`). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export function toAuditEntry(row: AuditRow): AuditEntry {
  let details: Record<string, unknown> | null = null;
  if (row.details) {
    try {
      details = JSON.parse(row.details) as Record<string, unknown>;
    } catch {
      details = { text: row.details };
    }
  }
  const role = Role.safeParse(row.actor_role);
  return {
    seq: Number(row.seq),
    ts: Number(row.ts),
    actor: { id: row.actor_id, name: row.actor_name, role: role.success ? role.data : null },
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    summary: row.summary,
    details,
  };
}

function filtered(knex: Knex, isPostgres: boolean, q: AuditQuery): Knex.QueryBuilder {
  const query = knex<AuditRow>('audit_log');
  if (q.actor) query.where('actor_id', q.actor);
  if (q.action) {
    if (q.action.endsWith('.'))
      query.whereRaw(`action like ? escape '\\'`, [`${escapeLike(q.action)}%`]);
    else query.where('action', q.action);
  }
  if (q.targetType) query.where('target_type', q.targetType);
  if (q.targetId) query.where('target_id', q.targetId);
  if (q.from !== undefined) query.where('ts', '>=', q.from);
  if (q.to !== undefined) query.where('ts', '<', q.to);
  if (q.before !== undefined) query.where('seq', '<', q.before);
  if (q.q) {
    const pattern = `%${escapeLike(isPostgres ? q.q : q.q.toLowerCase())}%`;
    // SQLite's LIKE is case-insensitive for ASCII only; lower() on both sides covers the rest
    // as far as SQLite's lower() goes. PostgreSQL has ILIKE.
    const op = isPostgres ? 'ilike' : 'like';
    const col = (c: string) => (isPostgres ? c : `lower(${c})`);
    query.where((w) => {
      for (const c of ['summary', 'actor_name', 'target_id'])
        w.orWhereRaw(`${col(c)} ${op} ? escape '\\'`, [pattern]);
    });
  }
  return query;
}

export async function queryAudit(
  knex: Knex,
  isPostgres: boolean,
  q: AuditQuery,
): Promise<{ entries: AuditEntry[]; nextBefore: number | null }> {
  const limit = q.limit ?? AUDIT_PAGE_DEFAULT;
  // One more than asked tells whether an older page exists without a count.
  const rows = (await filtered(knex, isPostgres, q)
    .orderBy('seq', 'desc')
    .limit(limit + 1)) as AuditRow[];
  const entries = rows.slice(0, limit).map(toAuditEntry);
  return {
    entries,
    nextBefore: rows.length > limit ? entries[entries.length - 1]!.seq : null,
  };
}

/** Every matching entry, newest first, in chunks (a CSV export does not hold it all at once). */
export async function* auditRowsForExport(
  knex: Knex,
  isPostgres: boolean,
  q: AuditQuery,
  maxRows: number,
  chunk = 1000,
): AsyncGenerator<AuditEntry> {
  let before = q.before;
  let left = maxRows;
  while (left > 0) {
    const rows = (await filtered(knex, isPostgres, { ...q, before })
      .orderBy('seq', 'desc')
      .limit(Math.min(chunk, left))) as AuditRow[];
    for (const row of rows) yield toAuditEntry(row);
    if (rows.length < Math.min(chunk, left)) return;
    left -= rows.length;
    before = Number(rows[rows.length - 1]!.seq);
  }
}
