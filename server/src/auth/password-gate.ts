/**
 * A cap on concurrent password hashing. Each scrypt check costs 128 MiB and ~0.1–0.3 s of a
 * core; without a cap, a spray of sign-ins runs them all at once and the process runs out of
 * memory or CPU for everything else (the live fleet path shares these cores).
 *
 * One gate per process (memory is per process, whatever the number of servers in it): at most
 * `maxConcurrent` checks run; up to `maxQueued` wait their turn for at most `maxWaitMs`; past
 * that a caller is refused at once with `unavailable` (503) and a sentence, instead of queueing
 * without bound. A person signing in at a busy moment waits a little; a spray is shed.
 */
import { AppError } from '../errors';

export interface PasswordGateLimits {
  maxConcurrent: number;
  maxQueued: number;
  maxWaitMs: number;
}

/** 2 concurrent checks = 256 MiB at most, one per core of the smallest supported box. */
export const DEFAULT_PASSWORD_GATE: PasswordGateLimits = {
  maxConcurrent: 2,
  maxQueued: 16,
  maxWaitMs: 3000,
};

const BUSY = 'Sign-in is busy right now; please try again in a few seconds.';

export class PasswordGate {
  private running = 0;
  private readonly waiting: { start(): void; timer: NodeJS.Timeout }[] = [];
  /** The most checks that ever ran at once (for /metrics and tests). */
  peak = 0;
  refused = 0;

  constructor(private limits: PasswordGateLimits = DEFAULT_PASSWORD_GATE) {}

  configure(limits: Partial<PasswordGateLimits>): void {
    this.limits = { ...this.limits, ...limits };
  }

  get active(): number {
    return this.running;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.running < this.limits.maxConcurrent) {
      this.enter();
      return Promise.resolve();
    }
    if (this.waiting.length >= this.limits.maxQueued) return Promise.reject(this.busy());
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => {
          clearTimeout(entry.timer);
          this.enter();
          resolve();
        },
        timer: setTimeout(() => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(this.busy());
        }, this.limits.maxWaitMs),
      };
      this.waiting.push(entry);
    });
  }

  private enter(): void {
    this.running += 1;
    if (this.running > this.peak) this.peak = this.running;
  }

  private release(): void {
    this.running -= 1;
    const next = this.waiting.shift();
    if (next) next.start();
  }

  private busy(): AppError {
    this.refused += 1;
    return new AppError('unavailable', BUSY);
  }
}

/** The process's gate: every scrypt derivation (sign-in, new and changed passwords) uses it. */
export const passwordGate = new PasswordGate();
