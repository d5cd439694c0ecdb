/**
 * `GET /api/reports/uptime` (protocol/uptime.ts): JSON, or `format=csv` for export — one row per
 * screen, worst uptime first, then the totals row.
 *
 * Decision (who reads it): operators and admins. Advertisers are refused with a sentence: the
 * availability of the network's screens is operational data about the whole fleet, and what an
 * advertiser needs about their own campaigns is proof of play.
 */
import { Router, type Response } from 'express';
import {
  UPTIME_CSV_COLUMNS,
  UPTIME_CSV_TOTAL,
  UptimeQuery,
  describeZodError,
  type UptimeReport,
} from '../../../protocol';
import type { Feature, ServerContext } from '../context';
import { AppError } from '../errors';
import { route, userOf } from '../http/middleware';
import { buildUptimeReport } from './uptime-report';

/**
 * One CSV cell (RFC 4180 quoting); a cell a spreadsheet would run as a formula gets a leading
 * apostrophe (screen names and tags are what people typed). The audit export's rule.
 */
function csvCell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const seconds = (ms: number) => ms / 1000;
const iso = (ts: number | null) => (ts === null ? null : new Date(ts).toISOString());

export function uptimeCsv(report: UptimeReport): string {
  const lines = [UPTIME_CSV_COLUMNS.join(',')];
  for (const r of report.screens)
    lines.push(
      [
        r.screenId,
        r.name,
        r.tags.join(' '),
        r.uptimePct,
        seconds(r.monitoredMs),
        seconds(r.upMs),
        seconds(r.downMs),
        r.outages,
        seconds(r.longestOutageMs),
        iso(r.longestOutageStart),
      ]
        .map(csvCell)
        .join(','),
    );
  const f = report.fleet;
  lines.push(
    [
      UPTIME_CSV_TOTAL,
      `${f.screens} screens (${f.monitoredScreens} monitored)`,
      report.filter.tag ?? '',
      f.uptimePct,
      seconds(f.monitoredMs),
      seconds(f.upMs),
      seconds(f.downMs),
      f.outages,
      seconds(f.longestOutageMs),
      null,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${lines.join('\r\n')}\r\n`;
}

function sendCsv(report: UptimeReport, res: Response): void {
  const day = (ts: number) => new Date(ts).toISOString().slice(0, 16).replace(/[:T]/g, '-');
  const scope = report.filter.screenId ?? report.filter.tag ?? 'fleet';
  const name = `marquee-uptime-${scope.replace(/[^A-Za-z0-9_-]/g, '_')}-${day(report.from)}-to-${day(report.to)}.csv`;
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader('content-disposition', `attachment; filename="${name}"`);
  res.send(uptimeCsv(report));
}

export function createUptimeFeature(ctx: ServerContext): Feature {
  return {
    name: 'reports-uptime',
    registerRoutes(router) {
      const r = Router();
      r.get(
        '/reports/uptime',
        route(async (req, res) => {
          const user = userOf(res);
          if (user.role !== 'admin' && user.role !== 'operator')
            throw new AppError(
              'forbidden',
              "Uptime reports are for operators and admins; your account is an advertiser's.",
            );
          const parsed = UptimeQuery.safeParse(req.query);
          if (!parsed.success) throw new AppError('bad_request', describeZodError(parsed.error));
          const report = await buildUptimeReport(ctx.knex, parsed.data);
          if (parsed.data.format === 'csv') return sendCsv(report, res);
          res.json(report);
        }),
      );
      router.use(r);
    },
  };
}
