/**
 * One booking as its advertiser follows it: each booked screen's live status and what it plays
 * right now (from the console's store, which the server fills with exactly the screens this
 * advertiser may see, live), a conversation per screen, and the outages the delivery report
 * found on these screens.
 */
import { useMemo } from 'react';
import type { Booking, DeliveryReport } from '../../../../../../protocol';
import { Ago, Empty, StateBadge } from '../../components/common';
import { href } from '../../state/router';
import { useConsole } from '../../state/store';
import { outagesOfBooking, screensOfBooking, unseenScreenIds } from './booked-screens';
import { when } from './DeliveryView';
import { MessageOperators } from './MessageOperators';
import { nowPlaying, nowPlayingText } from './now-playing';

export function BookedScreens({
  booking,
  report,
  live,
}: {
  booking: Booking;
  report: DeliveryReport | null;
  live: boolean;
}) {
  const all = useConsole((s) => s.screens);
  const screens = useMemo(() => screensOfBooking(booking, all.values()), [booking, all]);
  const unseen = unseenScreenIds(booking, screens);
  const outages = report ? outagesOfBooking(report.missed, screens) : [];
  return (
    <div className="booked-screens" data-testid="booked-screens" data-booking={booking.id}>
      <h3>Booked screens ({screens.length})</h3>
      {screens.length === 0 && <Empty>No booked screen has reached this console yet.</Empty>}
      <ul className="booked-tiles">
        {screens.map((s) => {
          const playing = nowPlaying(s, booking.campaignId);
          return (
            <li
              key={s.id}
              className={`booked-tile state-${s.state}`}
              data-testid="booked-screen"
              data-screen-id={s.id}
              data-state={s.state}
            >
              <span className="booked-tile-head">
                <a href={href.screen(s.id)}>{s.name}</a>
                <StateBadge state={s.state} />
              </span>
              <span className="muted small">
                {s.address ?? s.id} · <Ago ts={s.stateSince} prefix={`${s.state} `} />
              </span>
              <span
                className={`now-playing now-playing-${playing.kind}`}
                data-testid="now-playing"
                data-kind={playing.kind}
              >
                {nowPlayingText(playing)}
              </span>
              <MessageOperators about={{ type: 'screen', id: s.id }} live={live} />
            </li>
          );
        })}
      </ul>
      {unseen.length > 0 && (
        <p className="muted small">Not shown on this console yet: {unseen.join(', ')}</p>
      )}
      <h3>Outages during this booking</h3>
      {!report && <Empty>The delivery report has not loaded.</Empty>}
      {report && outages.length === 0 && <Empty>No booked screen was lost or offline.</Empty>}
      <ul data-testid="booking-outages">
        {outages.map((m) => (
          <li key={m.screenId} data-screen={m.screenId}>
            <strong>{m.name}</strong> ({m.plays} plays)
            <ul>
              {m.outages.map((o) => (
                <li key={o.from} data-testid="booking-outage" data-state={o.state}>
                  {o.state} from {when(o.from)} {o.to === null ? '(still out)' : `to ${when(o.to)}`}
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
