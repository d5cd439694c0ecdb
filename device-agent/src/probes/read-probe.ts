/**
 * Reads one raw value through a configured probe: a program run with execFile (arguments as an
 * array, never a shell string), a file, the player's local HTTP API, or a static value.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ProbeSpec } from '../config';

/** Bigger answers are a misconfigured probe, not a reading. */
const MAX_OUTPUT_BYTES = 64 * 1024;

function runFile(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { timeout: timeoutMs, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' },
      (err, stdout) => (err ? reject(err) : resolve(stdout)),
    );
  });
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`${url} answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_OUTPUT_BYTES) throw new Error(`${url} answered more than 64 KiB`);
  return text;
}

/** Picks `a.b.c` out of a JSON document. */
function pick(text: string, field: string): unknown {
  let value: unknown = JSON.parse(text);
  for (const key of field.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** The raw answer: a trimmed string, or the selected JSON value when `field` is set. */
export async function readProbe(spec: ProbeSpec): Promise<unknown> {
  let text: string;
  switch (spec.kind) {
    case 'static':
      return spec.value;
    case 'exec':
      text = await runFile(spec.file, spec.args, spec.timeoutMs);
      break;
    case 'file': {
      text = await readFile(spec.path, 'utf8');
      if (text.length > MAX_OUTPUT_BYTES) throw new Error(`${spec.path} is larger than 64 KiB`);
      break;
    }
    case 'http':
      text = await fetchText(spec.url, spec.timeoutMs);
      break;
  }
  return spec.field ? pick(text, spec.field) : text.trim();
}
