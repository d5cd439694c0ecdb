/**
 * Runs the configured capture and returns what it wrote: a child process (argv, or the one
 * shell line of the config file) or an HTTP GET, with a timeout and a cap on its output. A
 * capture that writes more than the cap, takes too long or exits non-zero fails with a
 * sentence naming it (and the first line of its stderr).
 */
import { spawn } from 'node:child_process';
import type { CaptureSpec } from '../config';

export class CaptureError extends Error {
  override readonly name = 'CaptureError';
}

function describe(spec: CaptureSpec): string {
  if (spec.kind === 'exec') return [spec.file, ...spec.args].join(' ');
  if (spec.kind === 'shell') return spec.command;
  return spec.url;
}

function runProcess(
  spec: Extract<CaptureSpec, { kind: 'exec' | 'shell' }>,
  signal?: AbortSignal,
): Promise<Buffer> {
  const [file, args] =
    spec.kind === 'exec' ? [spec.file, spec.args] : ['/bin/sh', ['-c', spec.command]];
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: { ...process.env, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group: a timeout ends the whole pipeline, not only the shell.
      detached: process.platform !== 'win32',
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let failure: string | null = null;
    const kill = (why: string) => {
      failure ??= why;
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => kill(`timed out after ${spec.timeoutMs} ms`), spec.timeoutMs);
    const onAbort = () => kill('stopped');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > spec.maxBytes) return kill(`wrote more than ${spec.maxBytes} bytes`);
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 2000) stderr += chunk.toString('utf8');
    });
    child.on('error', (err) => {
      failure ??= err.message;
    });
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      const firstLine = stderr.trim().split('\n')[0]?.slice(0, 200);
      const why =
        failure ??
        (code !== 0 ? `exited with ${code ?? sig}${firstLine ? `: ${firstLine}` : ''}` : null) ??
        (size === 0 ? `wrote nothing${firstLine ? `: ${firstLine}` : ''}` : null);
      if (why) reject(new CaptureError(`capture "${describe(spec)}" ${why}`));
      else resolve(Buffer.concat(chunks, size));
    });
  });
}

async function fetchCapped(
  spec: Extract<CaptureSpec, { kind: 'http' }>,
  signal?: AbortSignal,
): Promise<Buffer> {
  const timeout = AbortSignal.timeout(spec.timeoutMs);
  const res = await fetch(spec.url, {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
  }).catch((err: unknown) => {
    throw new CaptureError(`capture ${spec.url} failed: ${(err as Error).message}`);
  });
  if (!res.ok || !res.body) throw new CaptureError(`capture ${spec.url} answered ${res.status}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > spec.maxBytes)
      throw new CaptureError(`capture ${spec.url} sent more than ${spec.maxBytes} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, size);
}

export function runCapture(spec: CaptureSpec, signal?: AbortSignal): Promise<Buffer> {
  return spec.kind === 'http' ? fetchCapped(spec, signal) : runProcess(spec, signal);
}
