/** A small SVG line chart: the last N values of one metric, min/max and the current value. */
import { useId } from 'react';

export interface Point {
  ts: number;
  v: number | null;
}

const W = 240;
const H = 48;

export function Sparkline({
  label,
  points,
  format,
  domain,
  tone = 'accent',
}: {
  label: string;
  points: Point[];
  format: (v: number) => string;
  /** Fixed y range (e.g. 0–100 for percentages); otherwise the data's own. */
  domain?: [number, number];
  tone?: 'accent' | 'warm' | 'good' | 'muted';
}) {
  const gradientId = useId();
  const values = points.filter(
    (p): p is { ts: number; v: number } => p.v !== null && Number.isFinite(p.v),
  );
  const current = values.at(-1)?.v ?? null;
  let min = domain?.[0] ?? Infinity;
  let max = domain?.[1] ?? -Infinity;
  if (!domain) {
    for (const p of values) {
      if (p.v < min) min = p.v;
      if (p.v > max) max = p.v;
    }
  }
  const dataMin = values.length ? Math.min(...values.map((p) => p.v)) : null;
  const dataMax = values.length ? Math.max(...values.map((p) => p.v)) : null;
  if (max - min < 1e-9) {
    min -= 1;
    max += 1;
  }
  const t0 = values[0]?.ts ?? 0;
  const t1 = values.at(-1)?.ts ?? 1;
  const span = Math.max(1, t1 - t0);
  const xy = values.map((p) => {
    const x = values.length === 1 ? W : ((p.ts - t0) / span) * W;
    const y = H - 2 - ((p.v - min) / (max - min)) * (H - 4);
    return `${x.toFixed(1)},${y.toFixed(1)}`;
  });
  const line = xy.join(' ');
  const area = xy.length ? `0,${H} ${line} ${W},${H}` : '';

  return (
    <figure className={`spark tone-${tone}`}>
      <figcaption>
        <span className="spark-label">{label}</span>
        <span className="spark-value">{current === null ? '—' : format(current)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={
          values.length
            ? `${label}: ${values.length} samples, min ${format(dataMin!)}, max ${format(dataMax!)}`
            : `${label}: no data yet`
        }
      >
        <defs>
          <linearGradient id={gradientId} x1="0" x2="0" y1="0" y2="1">
            <stop offset="0%" stopColor="currentColor" stopOpacity="0.28" />
            <stop offset="100%" stopColor="currentColor" stopOpacity="0" />
          </linearGradient>
        </defs>
        {values.length > 1 && <polygon points={area} fill={`url(#${gradientId})`} />}
        {values.length > 0 && (
          <polyline
            points={values.length === 1 ? `0,${xy[0]!.split(',')[1]} ${xy[0]}` : line}
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            vectorEffect="non-scaling-stroke"
            strokeLinejoin="round"
          />
        )}
      </svg>
      <div className="spark-range">
        {dataMin === null ? (
          <span>no data yet</span>
        ) : (
          <>
            <span>min {format(dataMin)}</span>
            <span>max {format(dataMax!)}</span>
          </>
        )}
      </div>
    </figure>
  );
}
