/** Structured logs (pino), one logger per server instance so tests can silence their own. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { svc: 'marquee-server' } });
}
