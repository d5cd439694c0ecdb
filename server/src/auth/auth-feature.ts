/**
 * The auth side's background work: deleting sessions that can never be used again (expired or
 * revoked) every `sessionPruneMs`, so the `sessions` table holds live sessions only instead of
 * one row per sign-in forever. Sign-in also prunes the signing-in user's own dead sessions.
 * Several nodes may run the job at once: a DELETE of dead rows is idempotent.
 */
import type { Feature, ServerContext } from '../context';
import { passwordGate } from './password-gate';
import { pruneSessions } from './sessions';

export function createAuthFeature(ctx: ServerContext): Feature {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;
  const prune = () => {
    if (running) return;
    running = pruneSessions(ctx.knex)
      .then((n) => {
        if (n > 0) ctx.log.info({ sessions: n }, 'pruned expired and revoked sessions');
      })
      .catch((err: unknown) => ctx.log.warn({ err }, 'session prune failed'))
      .finally(() => {
        running = null;
      });
  };
  ctx.metrics.gauge(
    'marquee_password_checks_active',
    'Password hashes being computed now in this process (capped)',
    () => passwordGate.active,
  );
  ctx.metrics.gauge(
    'marquee_password_checks_peak',
    'Most password hashes computed at once since the process started',
    () => passwordGate.peak,
  );
  ctx.metrics.gauge(
    'marquee_password_checks_refused',
    'Sign-ins refused as busy (too many password checks waiting) since the process started',
    () => passwordGate.refused,
  );
  return {
    name: 'auth',
    start() {
      prune();
      timer = setInterval(prune, ctx.config.sessionPruneMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
  };
}
