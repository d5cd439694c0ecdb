/**
 * Reports (operators and admins): uptime per screen and per tag over a range, the fleet's
 * availability over the last 24 h, 7 days and 30 days, a chart per hour or day, the screens
 * worst first, and the CSV. Computed on the server from its state history, so the view needs
 * the console to be live; it says so otherwise rather than show nothing.
 */
import { useState } from 'react';
import type { UptimeReport } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { full } from '../../format';
import { useConsole } from '../../state/store';
import { ReportFiltersBar } from './ReportFiltersBar';
import { UptimeChart } from './UptimeChart';
import { UptimeTable } from './UptimeTable';
import {
  DEFAULT_FILTERS,
  PRESETS,
  lengthText,
  rangeOf,
  toRequest,
  uptimeText,
  type ReportFilters,
} from './report-filters';
import { useUptimeReport } from './use-uptime-report';
import './reports.css';

function useExport(filters: ReportFilters) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = () => {
    const range = rangeOf(filters, Date.now());
    if (typeof range === 'string') return setError(range);
    setBusy(true);
    setError(null);
    consoleApi
      .exportUptimeCsv(toRequest(filters, range))
      .then(({ csv, filename }) => {
        const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
        const a = document.createElement('a');
        a.href = url;
        a.download = filename;
        a.click();
        setTimeout(() => URL.revokeObjectURL(url), 10_000);
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)))
      .finally(() => setBusy(false));
  };
  return { busy, error, run };
}

function Figures({
  report,
  headline,
}: {
  report: UptimeReport;
  headline: Record<string, number | null>;
}) {
  const f = report.fleet;
  return (
    <div className="report-figures">
      {PRESETS.map((p) => (
        <div key={p.id} className="report-figure" data-testid={`uptime-headline-${p.id}`}>
          <span className="report-figure-label">{p.label}</span>
          <strong className="report-figure-value">{uptimeText(headline[p.id] ?? null)}</strong>
        </div>
      ))}
      <div className="report-figure" data-testid="uptime-range-figure">
        <span className="report-figure-label">This range</span>
        <strong className="report-figure-value" data-testid="uptime-fleet-pct">
          {uptimeText(f.uptimePct)}
        </strong>
        <span className="muted">
          {f.monitoredScreens} of {f.screens} screens monitored
        </span>
      </div>
      <div className="report-figure">
        <span className="report-figure-label">Outages</span>
        <strong className="report-figure-value" data-testid="uptime-fleet-outages">
          {f.outages}
        </strong>
        <span className="muted">
          {f.outages ? `longest ${lengthText(f.longestOutageMs)}` : 'none in this range'}
        </span>
      </div>
    </div>
  );
}

export function ReportsView() {
  const live = useConsole((s) => s.connection.status === 'live');
  const [filters, setFilters] = useState<ReportFilters>(DEFAULT_FILTERS);
  const data = useUptimeReport(filters, live);
  const csv = useExport(filters);
  const report = data.report;

  return (
    <section className="reports-view" aria-labelledby="reports-title" data-testid="reports-view">
      <div className="page-header">
        <h1 id="reports-title">Reports · Uptime</h1>
        <div className="page-header-tools">
          <button
            type="button"
            className="button ghost"
            disabled={!live || data.loading}
            onClick={data.reload}
          >
            Refresh
          </button>
          <button
            type="button"
            className="button"
            data-testid="uptime-export"
            disabled={!live || csv.busy}
            onClick={csv.run}
          >
            {csv.busy ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>
      <p className="muted report-intro">
        Time online out of the time each screen was in service. Offline and lost count as down;
        screens never heard from are not counted.
      </p>
      {!live ? (
        <Empty>
          <span data-testid="reports-offline">
            Reports need the server: they are computed there from its state history, not kept on
            this console. They open again once the console is live.
          </span>
        </Empty>
      ) : (
        <>
          <ReportFiltersBar filters={filters} onChange={setFilters} />
          {(data.error ?? csv.error) && (
            <p className="form-error" role="alert" data-testid="uptime-error">
              {data.error ?? csv.error}
            </p>
          )}
          {report && (
            <div
              aria-busy={data.loading}
              data-testid="uptime-report"
              data-from={report.from}
              data-to={report.to}
            >
              <Figures report={report} headline={data.headline} />
              <p className="muted report-range">
                {full(report.from)} – {full(report.to)}
                {report.filter.tag ? ` · tag ${report.filter.tag}` : ''}
              </p>
              <UptimeChart buckets={report.buckets} bucketMs={report.bucketMs} />
              {report.screens.length === 0 ? (
                <Empty>No screen is in service for this filter.</Empty>
              ) : (
                <UptimeTable rows={report.screens} />
              )}
            </div>
          )}
          {data.loading && !report && (
            <span className="muted" role="status">
              Computing…
            </span>
          )}
        </>
      )}
    </section>
  );
}
