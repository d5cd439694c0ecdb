/**
 * The `bootId` + `seq` + `ts` stamp every agent-published payload carries. A new bootId per
 * start lets the server tell a stale Last Will from the current boot's.
 */
import { randomUUID } from 'node:crypto';

export interface Stamp {
  bootId: string;
  seq: number;
  ts: number;
}

export class Stamper {
  readonly bootId: string;
  private seq = 0;

  constructor(
    bootId: string = randomUUID(),
    private readonly now: () => number = Date.now,
  ) {
    this.bootId = bootId;
  }

  /** The stamp the next payload would get, without taking it (for a payload maybe not sent). */
  peek(): Stamp {
    return { bootId: this.bootId, seq: this.seq + 1, ts: this.now() };
  }

  next(): Stamp {
    this.seq += 1;
    return { bootId: this.bootId, seq: this.seq, ts: this.now() };
  }
}
