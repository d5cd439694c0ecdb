/**
 * Stopping `npm start`'s child processes. A child that already died (crashed, killed by a
 * signal) has `exitCode === null` but a `signalCode`, and will never emit `exit` again:
 * waiting for it is what used to make Ctrl+C hang. Children that ignore SIGTERM are killed
 * after a grace period.
 */
import type { ChildProcess } from 'node:child_process';

export function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function exited(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function stopChildren(children: ChildProcess[], graceMs = 5_000): Promise<void> {
  const running = children.filter((c) => !hasExited(c));
  for (const c of running) c.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const c of running) if (!hasExited(c)) c.kill('SIGKILL');
  }, graceMs);
  await Promise.all(running.map(exited));
  clearTimeout(timer);
}
