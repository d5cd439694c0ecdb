/** The delivery log (admins): every attempt on every channel, newest first, filtered. */
import { useCallback, useEffect, useState } from 'react';
import type { DeliveryLogEntry, DeliveryStatus } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { Empty } from '../../components/common';
import { errorText, type AlertingData } from './use-alerting';

const STATUSES: DeliveryStatus[] = ['delivered', 'failed', 'retrying', 'held', 'skipped'];

export function DeliveryLog({ data }: { data: AlertingData }) {
  const [alarmId, setAlarmId] = useState('');
  const [userId, setUserId] = useState('');
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [entries, setEntries] = useState<DeliveryLogEntry[] | null>(null);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (before?: number) => {
      try {
        const page = await consoleApi.alertingDeliveries({
          alarmId: alarmId.trim() || undefined,
          userId: userId || undefined,
          status: status || undefined,
          before,
          limit: 100,
        });
        setEntries((old) => (before && old ? [...old, ...page.entries] : page.entries));
        setNextBefore(page.nextBefore);
        setError(null);
      } catch (e) {
        setError(errorText(e));
      }
    },
    [alarmId, userId, status],
  );
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div>
      <div className="alerting-filters">
        <label className="field">
          <span>Alarm id</span>
          <input
            data-testid="log-alarm"
            value={alarmId}
            spellCheck={false}
            onChange={(e) => setAlarmId(e.target.value)}
          />
        </label>
        <label className="select-field block">
          <span>Recipient</span>
          <select
            data-testid="log-person"
            value={userId}
            onChange={(e) => setUserId(e.target.value)}
          >
            <option value="">Everyone</option>
            {data.contacts.map((c) => (
              <option key={c.userId} value={c.userId}>
                {c.name}
              </option>
            ))}
            {data.webhooks.map((h) => (
              <option key={h.id} value={h.id}>
                Webhook {h.name}
              </option>
            ))}
          </select>
        </label>
        <label className="select-field block">
          <span>Status</span>
          <select
            data-testid="log-status"
            value={status}
            onChange={(e) => setStatus(e.target.value as DeliveryStatus | '')}
          >
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="button"
          data-testid="log-refresh"
          onClick={() => void load()}
        >
          Refresh
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {entries === null ? (
        <Empty>Loading…</Empty>
      ) : entries.length === 0 ? (
        <Empty>No deliveries match.</Empty>
      ) : (
        <table className="alerting-table" data-testid="delivery-log">
          <thead>
            <tr>
              <th>When</th>
              <th>To</th>
              <th>Channel</th>
              <th>Event</th>
              <th>Status</th>
              <th>Try</th>
              <th>Error / note</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={e.seq}
                data-testid="delivery-row"
                data-status={e.status}
                data-channel={e.channel}
              >
                <td>{new Date(e.ts).toLocaleString()}</td>
                <td data-testid="delivery-to">{e.recipientName}</td>
                <td>{e.channel}</td>
                <td>{e.event}</td>
                <td className={`delivery-${e.status}`}>{e.status}</td>
                <td>{e.attempt || '—'}</td>
                <td className="muted">{e.error ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {nextBefore !== null && (
        <button type="button" className="button ghost" onClick={() => void load(nextBefore)}>
          Older
        </button>
      )}
    </div>
  );
}
