/**
 * The events-per-second budget of a user, shared by all of that user's sockets on this node.
 * Per socket, a user with ten consoles had ten budgets (10 × 50/s) and could slow the whole
 * server (/healthz took 1.9 s); per user, more sockets bring no more capacity. A token bucket:
 * `ratePerS` sustained with a `burst` allowance.
 */
export class UserEventBudget {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerS: number,
    private readonly burst: number,
  ) {}

  /** Takes one token for `userId`; false when the budget is spent. */
  allow(userId: string, now = Date.now()): boolean {
    let b = this.buckets.get(userId);
    if (!b) {
      if (this.buckets.size > 10_000) this.prune(now);
      b = { tokens: this.burst, at: now };
      this.buckets.set(userId, b);
    }
    b.tokens = Math.min(this.burst, b.tokens + ((now - b.at) / 1000) * this.ratePerS);
    b.at = now;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Drops buckets that have refilled (they equal a fresh one). */
  private prune(now: number): void {
    for (const [id, b] of this.buckets)
      if (b.tokens + ((now - b.at) / 1000) * this.ratePerS >= this.burst) this.buckets.delete(id);
  }
}
