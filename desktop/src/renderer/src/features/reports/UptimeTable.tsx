/** The report's screens, worst uptime first (the server's order), with their outages. */
import type { UptimeScreenRow } from '../../../../../../protocol';
import { href } from '../../state/router';
import { full } from '../../format';
import { lengthText, uptimeText } from './report-filters';

export function UptimeTable({ rows }: { rows: UptimeScreenRow[] }) {
  return (
    <table className="uptime-table" data-testid="uptime-table">
      <thead>
        <tr>
          <th scope="col">Screen</th>
          <th scope="col">Tags</th>
          <th scope="col" className="num">
            Uptime
          </th>
          <th scope="col" className="num">
            Down
          </th>
          <th scope="col" className="num">
            Outages
          </th>
          <th scope="col" className="num">
            Longest outage
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.screenId} data-testid="uptime-row" data-screen-id={r.screenId}>
            <th scope="row">
              <a href={href.screen(r.screenId)}>{r.name}</a>
              <span className="muted uptime-id">{r.screenId}</span>
            </th>
            <td className="muted">{r.tags.join(', ')}</td>
            <td className="num" data-testid="uptime-pct">
              {r.monitoredMs === 0 ? (
                <span className="muted" title="Not activated (never heard from) in this range">
                  not monitored
                </span>
              ) : (
                uptimeText(r.uptimePct)
              )}
            </td>
            <td className="num">{r.downMs ? lengthText(r.downMs) : '—'}</td>
            <td className="num" data-testid="uptime-outages">
              {r.outages}
            </td>
            <td className="num">
              {r.outages === 0 ? (
                '—'
              ) : (
                <span
                  title={
                    r.longestOutageStart === null ? undefined : `from ${full(r.longestOutageStart)}`
                  }
                >
                  {lengthText(r.longestOutageMs)}
                  {r.downAtEnd && r.longestOutageStart !== null ? ' (ongoing)' : ''}
                </span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
