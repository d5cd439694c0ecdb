/**
 * Reading a screens CSV (columns id,name,address,lat,lng,tags; tags `;`-separated) into
 * register requests, one per row, or one sentence per bad row. RFC 4180 quoting is honoured
 * (a name with a comma is written "Quay, north"). Decision: imports need an id on every row:
 * a retried import (the answer was lost) must find the screens it already created, and a
 * generated id cannot be found again.
 */
import {
  IMPORT_COLUMNS,
  MAX_IMPORT_ROWS,
  RegisterScreenRequest,
  type ImportRowError,
} from '../../../protocol';
import { screenFieldSentence } from './screen-sentences';

export interface ImportRow {
  row: number;
  input: ReturnType<typeof RegisterScreenRequest.parse> & { id: string };
}

/** Splits CSV text into records of fields, with the 1-based line each record starts on. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const records: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0]!.trim() !== '') records.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else field += c;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

const number = (s: string): number | string | undefined => {
  const t = s.trim();
  if (t === '') return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
};

export function readImport(
  csv: string,
): { rows: ImportRow[]; errors: ImportRowError[] } | { fileError: string } {
  const records = parseCsv(csv.replace(/^\uFEFF/, ''));
  const header = records.shift();
  const names = header?.fields.map((f) => f.trim().toLowerCase()) ?? [];
  if (names.join(',') !== IMPORT_COLUMNS.join(','))
    return {
      fileError: `The first line must name the columns ${IMPORT_COLUMNS.join(',')} (in this order).`,
    };
  if (records.length === 0) return { fileError: 'The CSV has no screens below its header line.' };
  if (records.length > MAX_IMPORT_ROWS)
    return {
      fileError: `Import at most ${MAX_IMPORT_ROWS} screens at once; this file has ${records.length}.`,
    };
  const rows: ImportRow[] = [];
  const errors: ImportRowError[] = [];
  const seen = new Map<string, number>();
  for (const { line, fields } of records) {
    const id = fields[0]?.trim() || null;
    const fail = (message: string) =>
      errors.push({ row: line, id, message: `Row ${line}: ${message}` });
    if (fields.length !== IMPORT_COLUMNS.length) {
      fail(
        `expected ${IMPORT_COLUMNS.length} columns (${IMPORT_COLUMNS.join(',')}), found ${fields.length}.`,
      );
      continue;
    }
    if (!id) {
      fail(
        'give the screen an id (imports need one, so that a retried import creates nothing twice).',
      );
      continue;
    }
    const [, name, address, lat, lng, tags] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const parsed = RegisterScreenRequest.safeParse({
      id,
      name,
      address: address.trim() === '' ? undefined : address.trim(),
      lat: number(lat),
      lng: number(lng),
      tags: tags
        .split(';')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    });
    if (!parsed.success) {
      const sentence = screenFieldSentence(parsed.error.issues);
      fail(sentence[0]!.toLowerCase() + sentence.slice(1));
      continue;
    }
    const first = seen.get(id);
    if (first !== undefined) {
      fail(
        `the id "${id}" is already used on row ${first} of this file; give each screen its own id.`,
      );
      continue;
    }
    seen.set(id, line);
    rows.push({ row: line, input: { ...parsed.data, id } });
  }
  return { rows, errors };
}
