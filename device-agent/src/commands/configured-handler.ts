/**
 * Runs a command through a handler from the config: a program started with execFile (the
 * command's parameters substituted into argument slots, never into a shell string) or a request
 * to the player's local HTTP API with the command as JSON body.
 */
import { execFile } from 'node:child_process';
import type { CommandPayload } from '../../../protocol';
import type { HandlerSpec } from '../config';

const MAX_OUTPUT_BYTES = 64 * 1024;
const DETAIL_CHARS = 500;

/** `{brightness}` / `{power}` in an argument become the parameter's value. */
export function substituteArgs(args: readonly string[], command: CommandPayload): string[] {
  const params = command.params as Record<string, string | number>;
  return args.map((arg) =>
    arg.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in params ? String(params[name]) : whole,
    ),
  );
}

const tail = (text: string) => text.trim().slice(-DETAIL_CHARS);

function runExec(
  spec: Extract<HandlerSpec, { kind: 'exec' }>,
  command: CommandPayload,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      spec.file,
      substituteArgs(spec.args, command),
      { signal, maxBuffer: MAX_OUTPUT_BYTES, windowsHide: true, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (err) reject(new Error(tail(`${err.message} ${stderr}`)));
        else resolve(tail(stdout) || `${spec.file} exited 0`);
      },
    );
  });
}

async function runHttp(
  spec: Extract<HandlerSpec, { kind: 'http' }>,
  commandId: string,
  command: CommandPayload,
  signal: AbortSignal,
): Promise<string> {
  const res = await fetch(spec.url, {
    method: spec.method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ commandId, type: command.type, params: command.params }),
    signal,
  });
  const text = tail(await res.text());
  if (!res.ok) throw new Error(`HTTP ${res.status} ${text}`.trim());
  return `HTTP ${res.status} ${text}`.trim();
}

export function runConfiguredHandler(
  spec: HandlerSpec,
  commandId: string,
  command: CommandPayload,
  signal: AbortSignal,
): Promise<string> {
  return spec.kind === 'exec'
    ? runExec(spec, command, signal)
    : runHttp(spec, commandId, command, signal);
}
