/**
 * A campaign's delivery: delivered vs contracted, plays per screen and day, missed screens with
 * their lost/offline stretches, first/last play. Operators see it on any campaign's detail,
 * advertisers on their home; the figures are the server's report (GET /api/campaigns/:id/delivery).
 */
import type { DeliveryReport } from '../../../../../../protocol';
import { Empty } from '../../components/common';

export const when = (ts: number | null) => (ts === null ? '—' : new Date(ts).toLocaleString());

export function DeliveryView({ report }: { report: DeliveryReport }) {
  return (
    <div data-testid="delivery">
      <h3>Delivery</h3>
      <div className="delivery-figures">
        <span>
          Delivered <strong data-testid="delivered">{report.deliveredPlays}</strong>
          {report.contractedPlays !== null && (
            <>
              {' '}
              of <strong data-testid="contracted">{report.contractedPlays}</strong> (
              {report.deliveredPct ?? 0}%)
            </>
          )}
        </span>
        <span>Outside bookings {report.outsideBookingPlays}</span>
        <span>First play {when(report.firstPlayAt)}</span>
        <span>Last play {when(report.lastPlayAt)}</span>
      </div>
      <table className="delivery-table" data-testid="delivery-table">
        <thead>
          <tr>
            <th>Screen</th>
            <th>Day ({report.timeZone})</th>
            <th>Plays</th>
          </tr>
        </thead>
        <tbody>
          {report.screens.flatMap((s) =>
            s.days.map((d) => (
              <tr key={`${s.screenId}/${d.date}`} data-screen={s.screenId}>
                <td>{s.name}</td>
                <td>{d.date}</td>
                <td>{d.plays}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
      <h3>Missed screens</h3>
      {report.missed.length === 0 && <Empty>Every booked screen played.</Empty>}
      <ul data-testid="missed">
        {report.missed.map((m) => (
          <li key={m.screenId} data-screen={m.screenId}>
            {m.name}: {m.reason === 'no_plays' ? 'no plays' : `${m.plays} plays, outages`}
            {m.outages.map((o) => ` · ${o.state} ${when(o.from)} – ${when(o.to)}`).join('')}
          </li>
        ))}
      </ul>
    </div>
  );
}
