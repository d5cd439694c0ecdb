/**
 * The advertiser's home (issue 12): their campaigns and bookings; for the chosen booking, each
 * booked screen live with what it plays now and the outages during the booking; the campaign's
 * delivery against contract (the operators' DeliveryView); a conversation with the operators
 * per booking or screen. Advertisers with campaigns land here (`useAdvertiserLanding`).
 *
 * Campaigns, bookings and the report are read from the server when the view opens (they are not
 * in the change log, server/src/campaigns/README.md); screens come from the live store. The
 * report is asked again whenever a booked screen changes state, so an outage shows without a
 * manual refresh.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Booking, CampaignDetail, DeliveryReport } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty, PageHeader } from '../../components/common';
import { href, navigate } from '../../state/router';
import { useConsole } from '../../state/store';
import { BookedScreens } from './BookedScreens';
import { screensOfBooking } from './booked-screens';
import { DeliveryView } from './DeliveryView';
import { MessageOperators } from './MessageOperators';
import { message, useCampaigns } from './use-campaigns';
import './campaigns.css';

/**
 * Sends an advertiser who opens the console without a route to their home, when their
 * organization has campaigns; one without any (a screen grant or a conversation only) keeps
 * the fleet as the first view, as before bookings existed.
 */
export function useAdvertiserLanding() {
  const advertiser = useConsole((s) => s.user?.role === 'advertiser');
  const live = useConsole((s) => s.connection.status === 'live');
  useEffect(() => {
    const noRoute = () => ['', '#', '#/'].includes(location.hash);
    if (!advertiser || !live || !noRoute()) return;
    let current = true;
    consoleApi
      .listCampaigns({})
      .then(({ campaigns }) => {
        // Only if the person has not gone anywhere meanwhile.
        if (current && campaigns.length > 0 && noRoute()) navigate(href.campaigns());
      })
      .catch(() => undefined); // the fleet stays; the campaigns view says what failed
    return () => {
      current = false;
    };
  }, [advertiser, live]);
}

const bookingLabel = (b: Booking) =>
  `${b.startsOn} → ${b.endsOn} on ${[...b.screenIds, ...b.tags.map((t) => `#${t}`)].join(', ')}`;

/** The booked screens' states, as one key: a change asks for the report again. */
function useBookedStatesKey(bookings: Booking[]) {
  const screens = useConsole((s) => s.screens);
  return useMemo(() => {
    const covered = bookings.flatMap((b) => screensOfBooking(b, screens.values()));
    return [...new Set(covered.map((s) => `${s.id}:${s.state}`))].sort().join(',');
  }, [bookings, screens]);
}

function CampaignPanel({ campaignId, live }: { campaignId: string; live: boolean }) {
  const [detail, setDetail] = useState<CampaignDetail | null>(null);
  const [report, setReport] = useState<DeliveryReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const bookings = useMemo(
    () => (detail?.bookings ?? []).filter((b) => b.status === 'active'),
    [detail],
  );
  const statesKey = useBookedStatesKey(bookings);

  useEffect(() => {
    if (!live) return;
    consoleApi
      .getCampaign({ campaignId })
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch((e: unknown) => setError(message(e)));
  }, [campaignId, live, generation]);
  useEffect(() => {
    if (!live) return;
    consoleApi
      .campaignDelivery({ campaignId })
      .then(setReport)
      .catch((e: unknown) => setError(message(e)));
  }, [campaignId, live, generation, statesKey]);

  const booking = bookings.find((b) => b.id === chosen) ?? bookings[0] ?? null;
  return (
    <section className="advertiser-campaign" data-testid="advertiser-campaign">
      <PageHeader title={detail ? detail.campaign.name : campaignId}>
        <button type="button" onClick={reload} disabled={!live}>
          Refresh
        </button>
      </PageHeader>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {detail && bookings.length === 0 && <Empty>This campaign has no active booking.</Empty>}
      {bookings.length > 0 && (
        <>
          <h3>Bookings</h3>
          <ul className="advertiser-bookings" data-testid="advertiser-bookings">
            {bookings.map((b) => (
              <li key={b.id} data-booking={b.id}>
                <button
                  type="button"
                  className="button ghost small"
                  aria-pressed={b.id === booking?.id}
                  onClick={() => setChosen(b.id)}
                >
                  {bookingLabel(b)}
                </button>
                {b.contractedPlays !== null && ` · ${b.contractedPlays} plays contracted`}
              </li>
            ))}
          </ul>
        </>
      )}
      {booking && (
        <div className="advertiser-booking" data-testid="advertiser-booking">
          <p>
            <strong>{bookingLabel(booking)}</strong> ({booking.timeZone}){' '}
            <MessageOperators about={{ type: 'booking', id: booking.id }} live={live} />
          </p>
          <BookedScreens booking={booking} report={report} live={live} />
        </div>
      )}
      {report && <DeliveryView report={report} />}
    </section>
  );
}

export function AdvertiserHome({ campaignId }: { campaignId: string | null }) {
  const live = useConsole((s) => s.connection.status === 'live');
  const { campaigns, error } = useCampaigns(live);
  // One campaign (the usual case) opens at once; several are picked from the list.
  const selected = campaignId ?? (campaigns.length === 1 ? campaigns[0]!.id : null);
  return (
    <section className="campaigns advertiser-home" data-testid="advertiser-home">
      <PageHeader title="Your campaigns" />
      {!live && <Empty>Campaigns need the server; they show again once the console is live.</Empty>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {live && campaigns.length === 0 && !error && (
        <Empty>Your organization has no campaigns yet.</Empty>
      )}
      {campaigns.length > 0 && (
        <table className="campaigns-table" data-testid="campaigns-table">
          <thead>
            <tr>
              <th>Campaign</th>
              <th>Id</th>
              <th>Active bookings</th>
            </tr>
          </thead>
          <tbody>
            {campaigns.map((c) => (
              <tr key={c.id} data-campaign={c.id} aria-current={c.id === selected || undefined}>
                <td>
                  <a href={href.campaigns(c.id)}>{c.name}</a>
                </td>
                <td>{c.id}</td>
                <td>{c.activeBookings}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <CampaignPanel key={selected} campaignId={selected} live={live} />}
    </section>
  );
}
