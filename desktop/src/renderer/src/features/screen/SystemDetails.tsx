/**
 * The screen controller's host, from its latest telemetry: network (address, interface, bytes),
 * load, memory and disk sizes. Fields an agent cannot measure, or summaries cached before the
 * server carried them, show a dash.
 */
import type { TelemetrySummary } from '../../../../../../protocol';
import { pct } from '../../format';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB"; counters are cumulative since the interface came up. */
export function bytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  let v = n;
  let unit = 0;
  while (v >= 1024 && unit < UNITS.length - 1) {
    v /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? v : v.toFixed(1)} ${UNITS[unit]}`;
}

const size = (v: number | null | undefined, unit: string) =>
  v === null || v === undefined ? '—' : `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${unit}`;

export function SystemDetails({ telemetry }: { telemetry: TelemetrySummary | null }) {
  const t = telemetry;
  const net = t?.network ?? null;
  const memory = t?.memoryTotalMb ? size(t.memoryTotalMb / 1024, 'GB') : '—';
  return (
    <section className="panel span-3" aria-labelledby="system-title" data-testid="system-details">
      <h2 id="system-title">System</h2>
      {!t ? (
        <p className="muted">No telemetry yet.</p>
      ) : (
        <dl className="kv" style={{ gridTemplateColumns: 'repeat(3, max-content minmax(0, 1fr))' }}>
          <dt>IP address</dt>
          <dd className="mono" data-testid="system-ip">
            {net?.ip ?? '—'}
          </dd>
          <dt>Interface</dt>
          <dd className="mono">{net?.iface ?? '—'}</dd>
          <dt>Received / sent</dt>
          <dd>
            {bytes(net?.rxBytes)} / {bytes(net?.txBytes)}
          </dd>
          <dt>Load (1 min)</dt>
          <dd>{t.load1 === null || t.load1 === undefined ? '—' : t.load1.toFixed(2)}</dd>
          <dt>Memory</dt>
          <dd>
            {memory} · {pct(t.memoryPct)} used
          </dd>
          <dt>Disk</dt>
          <dd>
            {size(t.diskTotalGb, 'GB')} · {pct(t.diskPct)} used
          </dd>
        </dl>
      )}
    </section>
  );
}
