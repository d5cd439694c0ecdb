/**
 * A small Prometheus text registry: counters (optionally by one label), gauges read at scrape
 * time, and summaries (count/sum/max). Enough for /metrics without another dependency.
 */
class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly label?: string,
  ) {}
  inc(labelValue = '', by = 1): void {
    this.values.set(labelValue, (this.values.get(labelValue) ?? 0) + by);
  }
  get(labelValue = ''): number {
    return this.values.get(labelValue) ?? 0;
  }
  total(): number {
    let t = 0;
    for (const v of this.values.values()) t += v;
    return t;
  }
  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    if (this.values.size === 0 && !this.label) lines.push(`${this.name} 0`);
    for (const [k, v] of this.values) {
      lines.push(this.label ? `${this.name}{${this.label}="${k}"} ${v}` : `${this.name} ${v}`);
    }
    return lines.join('\n');
  }
}

class Summary {
  count = 0;
  sum = 0;
  max = 0;
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  observe(v: number): void {
    this.count += 1;
    this.sum += v;
    if (v > this.max) this.max = v;
  }
  render(): string {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} summary`,
      `${this.name}_count ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_max ${this.max}`,
    ].join('\n');
  }
}

export class Metrics {
  readonly ingested = new Counter(
    'marquee_mqtt_messages_ingested_total',
    'MQTT messages applied, by topic kind',
    'kind',
  );
  readonly rejected = new Counter(
    'marquee_mqtt_messages_rejected_total',
    'MQTT messages rejected, by reason',
    'reason',
  );
  readonly dropped = new Counter(
    'marquee_mqtt_messages_dropped_total',
    'Valid MQTT messages dropped as stale or duplicate, by reason',
    'reason',
  );
  readonly socketRejected = new Counter(
    'marquee_socket_events_rejected_total',
    'Socket.IO events refused, by error code',
    'code',
  );
  readonly dbErrors = new Counter('marquee_db_write_errors_total', 'Failed database batch writes');
  readonly dbBatchSize = new Summary('marquee_db_batch_rows', 'Screens written per database batch');
  readonly dbBatchMs = new Summary('marquee_db_batch_ms', 'Database batch write time in ms');
  readonly fanoutLagMs = new Summary(
    'marquee_fanout_lag_ms',
    'Agent timestamp to broadcast, ms, per broadcast batch (oldest entry)',
  );
  private readonly gauges: { name: string; help: string; read: () => number }[] = [];

  gauge(name: string, help: string, read: () => number): void {
    this.gauges.push({ name, help, read });
  }

  render(): string {
    const parts = [
      this.ingested,
      this.rejected,
      this.dropped,
      this.socketRejected,
      this.dbErrors,
      this.dbBatchSize,
      this.dbBatchMs,
      this.fanoutLagMs,
    ].map((m) => m.render());
    for (const g of this.gauges) {
      parts.push(`# HELP ${g.name} ${g.help}\n# TYPE ${g.name} gauge\n${g.name} ${g.read()}`);
    }
    return parts.join('\n') + '\n';
  }
}
