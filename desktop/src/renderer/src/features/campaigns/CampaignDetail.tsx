/**
 * One campaign: its bookings (staff cancel them, add new ones) and its delivery — delivered vs
 * contracted, per screen and day, missed screens with their outages, first/last play, and the
 * CSV export (the server's, the same rows as the table).
 */
import { useCallback, useEffect, useState } from 'react';
import type { CampaignDetail as Detail, DeliveryReport } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty, PageHeader } from '../../components/common';
import { href } from '../../state/router';
import { BookingForm } from './BookingForm';
import { DeliveryView } from './DeliveryView';
import { message } from './use-campaigns';

function download(csv: string, filename: string) {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function CampaignDetail({
  campaignId,
  manage,
  live,
}: {
  campaignId: string;
  manage: boolean;
  live: boolean;
}) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [report, setReport] = useState<DeliveryReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    if (!live) return;
    Promise.all([
      consoleApi.getCampaign({ campaignId }),
      consoleApi.campaignDelivery({ campaignId }),
    ])
      .then(([d, r]) => {
        setDetail(d);
        setReport(r);
        setError(null);
      })
      .catch((e: unknown) => setError(message(e)));
  }, [campaignId, live, generation]);

  const cancel = (bookingId: string) =>
    consoleApi.cancelBooking({ bookingId }).then(reload, (e: unknown) => setError(message(e)));
  const exportCsv = () =>
    consoleApi
      .exportDeliveryCsv({ campaignId })
      .then(({ csv, filename }) => download(csv, filename))
      .catch((e: unknown) => setError(message(e)));

  return (
    <section className="campaign-detail" data-testid="campaign-detail">
      <PageHeader
        title={
          detail ? `${detail.campaign.name} · ${detail.campaign.organizationName}` : campaignId
        }
      >
        <a href={href.campaigns()}>All campaigns</a>
        <button type="button" onClick={reload} disabled={!live}>
          Refresh
        </button>
        <button
          type="button"
          data-testid="delivery-export"
          onClick={() => void exportCsv()}
          disabled={!live || !report}
        >
          Export CSV
        </button>
      </PageHeader>
      {!live && <Empty>Campaigns need the server; they show again once the console is live.</Empty>}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {detail && (
        <>
          <h3>Bookings</h3>
          {detail.bookings.length === 0 && <Empty>Not booked yet.</Empty>}
          <ul data-testid="bookings">
            {detail.bookings.map((b) => (
              <li key={b.id} data-booking={b.id} data-status={b.status}>
                {b.startsOn} → {b.endsOn} ({b.timeZone}) on{' '}
                {[...b.screenIds, ...b.tags.map((t) => `#${t}`)].join(', ')}
                {b.dayparts.length > 0 &&
                  ` · ${b.dayparts.map((d) => `${d.days.join('')} ${d.start}-${d.end}`).join('; ')}`}
                {b.contractedPlays !== null && ` · ${b.contractedPlays} plays contracted`} ·{' '}
                {b.status}
                {manage && b.status === 'active' && (
                  <button type="button" onClick={() => void cancel(b.id)}>
                    Cancel booking
                  </button>
                )}
              </li>
            ))}
          </ul>
          {manage && <BookingForm campaignId={campaignId} onDone={reload} />}
        </>
      )}
      {report && <DeliveryView report={report} />}
    </section>
  );
}
