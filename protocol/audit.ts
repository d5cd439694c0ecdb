/**
 * The audit log on the wire: `GET /api/audit` (admins) answers one page of entries, newest
 * first by `seq`, with `nextBefore` to ask for the page older than it (keyset pagination: a
 * page never shifts when new entries arrive meanwhile). `format=csv` answers every entry that
 * matches (up to AUDIT_CSV_MAX_ROWS) as a CSV file for the record.
 * There is no route that changes or deletes an entry.
 */
import { z } from 'zod';
import { Role } from './domain';

export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;
export const AUDIT_CSV_MAX_ROWS = 50_000;

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  ts: z.number().int(),
  /** Null: the server itself (a job, the first admin). */
  actor: z.object({ id: z.string().nullable(), name: z.string(), role: Role.nullable() }),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  summary: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** A query-string number: "" and absence mean "not given". */
const queryInt = (what: string, min: number, max: number) =>
  z.preprocess(
    (v) => (v === '' || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z
      .number({ error: `${what} must be a number` })
      .int(`${what} must be a whole number`)
      .min(min, `${what} must be at least ${min}`)
      .max(max, `${what} must be at most ${max}`)
      .optional(),
  );
const queryText = (what: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() || undefined : v),
    z
      .string({ error: `${what} must be given once, as text` })
      .max(max, `${what} must be at most ${max} characters`)
      .optional(),
  );

export const AuditQuery = z
  .object({
    /** Text search over the summary, the actor's name and the target id (case-insensitive). */
    q: queryText('q', 200),
    /** An actor's user id. */
    actor: queryText('actor', 64),
    /** An exact action (`screen.retired`) or an area prefix ending in a dot (`screen.`). */
    action: queryText('action', 64),
    targetType: queryText('targetType', 32),
    targetId: queryText('targetId', 200),
    /** ms epoch, inclusive. */
    from: queryInt('from', 0, 8.64e15),
    /** ms epoch, exclusive. */
    to: queryInt('to', 0, 8.64e15),
    /** Entries older than this seq (the previous page's `nextBefore`). */
    before: queryInt('before', 1, Number.MAX_SAFE_INTEGER),
    limit: queryInt('limit', 1, AUDIT_PAGE_MAX),
    format: z
      .enum(['json', 'csv'], { error: 'format must be json or csv' })
      .optional()
      .default('json'),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: 'from must be before to',
    path: ['from'],
  });
export type AuditQuery = z.infer<typeof AuditQuery>;
export type AuditQueryInput = z.input<typeof AuditQuery>;

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `before` for the next older page; null when this is the oldest page. */
  nextBefore: number | null;
}
