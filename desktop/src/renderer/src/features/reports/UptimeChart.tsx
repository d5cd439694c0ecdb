/**
 * Availability per hour or day (bars, left axis) and outages begun in each (line, right axis),
 * drawn by chart.js on a canvas. Colours come from the theme's variables so the chart follows
 * dark and light. No animation: the figures are the point, and a drawn frame is there at once.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useRef } from 'react';
import type { UptimeBucket } from '../../../../../../protocol';

Chart.register(
  BarController,
  BarElement,
  CategoryScale,
  Legend,
  LineController,
  LineElement,
  LinearScale,
  PointElement,
  Tooltip,
);

const HOUR_MS = 3600_000;
const hourFmt = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const dayFmt = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

const cssVar = (name: string, fallback: string) =>
  getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;

export function UptimeChart({ buckets, bucketMs }: { buckets: UptimeBucket[]; bucketMs: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    if (!canvas.current) return;
    const online = cssVar('--online', '#34d399');
    const warning = cssVar('--warning', '#f5b840');
    const critical = cssVar('--critical', '#f2605a');
    const muted = cssVar('--muted', '#8593a6');
    const grid = cssVar('--border', '#243041');
    const label = (b: UptimeBucket) =>
      bucketMs <= HOUR_MS ? hourFmt.format(b.from) : dayFmt.format(b.from);
    const colour = (pct: number | null) =>
      pct === null ? grid : pct >= 99 ? online : pct >= 95 ? warning : critical;
    const chart = new Chart(canvas.current, {
      data: {
        labels: buckets.map(label),
        datasets: [
          {
            type: 'bar',
            label: 'Availability %',
            data: buckets.map((b) => b.uptimePct),
            backgroundColor: buckets.map((b) => colour(b.uptimePct)),
            yAxisID: 'pct',
            order: 2,
          },
          {
            type: 'line',
            label: 'Outages begun',
            data: buckets.map((b) => b.outagesStarted),
            borderColor: muted,
            backgroundColor: muted,
            pointRadius: 2,
            yAxisID: 'count',
            order: 1,
          },
        ],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        scales: {
          pct: {
            position: 'left',
            min: 0,
            max: 100,
            ticks: { color: muted, callback: (v) => `${v} %` },
            grid: { color: grid },
          },
          count: {
            position: 'right',
            min: 0,
            suggestedMax: 4,
            ticks: { color: muted, precision: 0 },
            grid: { display: false },
          },
          x: { ticks: { color: muted, maxRotation: 0, autoSkip: true }, grid: { display: false } },
        },
        plugins: { legend: { labels: { color: muted } } },
      },
    });
    return () => chart.destroy();
  }, [buckets, bucketMs]);

  return (
    <div className="uptime-chart" data-testid="uptime-chart" data-buckets={buckets.length}>
      <canvas
        ref={canvas}
        role="img"
        aria-label={`Availability per ${bucketMs <= HOUR_MS ? 'hour' : 'day'} and outages begun`}
      />
    </div>
  );
}
