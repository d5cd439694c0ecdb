/**
 * What every raw-body upload route shares (screenshots from devices, attachments in chat):
 * limits that hold before authentication, and refusals that never wait for an unread body.
 * A refusal is answered at once with `Connection: close`, and once the answer is out a peer
 * still sending gets a reset a moment later rather than being read to the end.
 */
import type { Request, Response } from 'express';

export function refuseUpload(
  req: Request,
  res: Response,
  status: number,
  code: string,
  message: string,
): void {
  if (res.headersSent) return;
  res.setHeader('Connection', 'close');
  res.status(status).json({ error: { code, message } });
  res.on('finish', () => {
    if (req.complete) return;
    req.unpipe();
    setTimeout(() => req.socket.destroy(), 500).unref();
  });
}

export type CappedBody = Buffer | 'too_large' | 'timeout' | 'aborted';

/** Reads the body up to `max` bytes, or says why it could not (too big, too slow, gone). */
export function readCappedBody(req: Request, max: number, timeoutMs: number): Promise<CappedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (v: CappedBody) => {
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      if (typeof v === 'string') req.pause();
      resolve(v);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return done('too_large');
      chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks, size));
    const onAborted = () => done('aborted');
    const timer = setTimeout(() => done('timeout'), timeoutMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  });
}

/** A size limit as people read it: "8 MB", "512 KB". */
export const sizeText = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`
    : `${Math.floor(bytes / 1024)} KB`;
