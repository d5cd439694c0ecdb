/** The CSV forms of proof of play and delivery: the same rows as the JSON answers. */
import type { Response } from 'express';
import {
  DELIVERY_CSV_COLUMNS,
  DELIVERY_CSV_TOTAL,
  PROOF_OF_PLAY_CSV_COLUMNS,
  type DeliveryReport,
  type ProofOfPlayList,
} from '../../../protocol';

/** RFC 4180 quoting; a cell a spreadsheet would run as a formula gets a leading apostrophe. */
function cell(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const line = (cells: (string | number | null)[]) => cells.map(cell).join(',');
const iso = (ts: number) => new Date(ts).toISOString();

export function proofOfPlayCsv(list: ProofOfPlayList): string {
  const lines = [PROOF_OF_PLAY_CSV_COLUMNS.join(',')];
  for (const r of list.records)
    lines.push(
      line([
        r.screenId,
        r.recordId,
        r.campaignId,
        r.creativeId,
        iso(r.startedAt),
        r.durationMs,
        iso(r.receivedAt),
      ]),
    );
  return `${lines.join('\r\n')}\r\n`;
}

export function deliveryCsv(report: DeliveryReport): string {
  const lines = [DELIVERY_CSV_COLUMNS.join(',')];
  for (const s of report.screens)
    for (const d of s.days) lines.push(line([s.screenId, s.name, d.date, d.plays]));
  lines.push(
    line([
      DELIVERY_CSV_TOTAL,
      report.contractedPlays === null ? 'no contract' : `contracted ${report.contractedPlays}`,
      `${iso(report.from)}/${iso(report.to)}`,
      report.deliveredPlays,
    ]),
  );
  return `${lines.join('\r\n')}\r\n`;
}

export function sendCsv(res: Response, name: string, body: string): void {
  res.setHeader('content-type', 'text/csv; charset=utf-8');
  res.setHeader(
    'content-disposition',
    `attachment; filename="${name.replace(/[^A-Za-z0-9_.-]/g, '_')}"`,
  );
  res.send(body);
}
