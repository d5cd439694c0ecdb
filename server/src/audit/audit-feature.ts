/**
 * The audit log's REST surface: `GET /api/audit` (a page, newest first, or `format=csv`).
 *
 * Decision (who reads it): admins only. The log names who changed which account and when,
 * which is the administration of people; operators see what was done to screens, commands and
 * alarms where those live (a screen's command history, the alarm's acknowledger), so a second,
 * partial log for them adds a permission rule to keep right and little they lack.
 *
 * There is deliberately no POST, PUT, PATCH or DELETE here: entries are written only by the
 * routes whose actions they describe (recordAudit), and the database refuses any change.
 */
import { Router, type Response } from 'express';
import {
  AUDIT_CSV_MAX_ROWS,
  AuditQuery,
  describeZodError,
  type AuditEntry,
} from '../../../protocol';
import type { Feature, ServerContext } from '../context';
import { AppError } from '../errors';
import { route, userOf } from '../http/middleware';
import { auditRowsForExport, queryAudit } from './audit-repo';

const CSV_COLUMNS = [
  'seq',
  'time_utc',
  'actor_name',
  'actor_role',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'summary',
  'details',
] as const;

/**
 * One CSV cell (RFC 4180 quoting). A cell a spreadsheet would run as a formula (=, +, -, @,
 * tab, CR) gets a leading apostrophe: the log quotes what people typed (screen names).
 */
export function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(e: AuditEntry): string {
  return [
    e.seq,
    new Date(e.ts).toISOString(),
    e.actor.name,
    e.actor.role,
    e.actor.id,
    e.action,
    e.targetType,
    e.targetId,
    e.summary,
    e.details ? JSON.stringify(e.details) : null,
  ]
    .map(csvCell)
    .join(',');
}

function parseQuery(query: unknown): AuditQuery {
  const parsed = AuditQuery.safeParse(query);
  if (!parsed.success) throw new AppError('bad_request', describeZodError(parsed.error));
  return parsed.data;
}

async function sendCsv(ctx: ServerContext, q: AuditQuery, res: Response): Promise<void> {
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="marquee-audit-${stamp}.csv"`);
  res.write(`${CSV_COLUMNS.join(',')}\r\n`);
  try {
    for await (const entry of auditRowsForExport(ctx.knex, ctx.isPostgres, q, AUDIT_CSV_MAX_ROWS)) {
      // The person went away: stop reading the log for nobody.
      if (res.destroyed) return;
      res.write(`${csvLine(entry)}\r\n`);
    }
    res.end();
  } catch (err) {
    // Half a file is already sent: cut it, so it is not taken for the whole record.
    ctx.log.error({ err }, 'audit CSV export failed');
    res.destroy(err as Error);
  }
}

export function createAuditFeature(ctx: ServerContext): Feature {
  return {
    name: 'audit',
    registerRoutes(router) {
      const r = Router();
      r.use('/audit', (_req, res, next) => {
        const user = userOf(res);
        if (user.role !== 'admin')
          return next(
            new AppError(
              'forbidden',
              `The audit log is for admins; your account is ${user.role === 'operator' ? 'an operator' : 'an advertiser'}'s.`,
            ),
          );
        next();
      });
      r.get(
        '/audit',
        route(async (req, res) => {
          const q = parseQuery(req.query);
          if (q.format === 'csv') return sendCsv(ctx, q, res);
          res.json(await queryAudit(ctx.knex, ctx.isPostgres, q));
        }),
      );
      // Any other method, on the log or on an entry: 405 with the reason (there is no way in).
      r.all(['/audit', '/audit/*rest'], (req, res, next) => {
        if (req.method === 'GET' || req.method === 'HEAD') return next();
        res.status(405).setHeader('allow', 'GET');
        res.json({
          error: {
            code: 'forbidden',
            message: 'The audit log cannot be changed: it is read-only.',
          },
        });
      });
      router.use(r);
    },
  };
}
