/**
 * Book a campaign: screens by id and/or tag, dates, optional dayparts (one line each:
 * "1-5 07:00-10:00", weekdays 1 Monday … 7 Sunday), time zone, contracted plays.
 */
import { useState, type FormEvent } from 'react';
import type { Daypart } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { message } from './use-campaigns';

const list = (s: string) =>
  s
    .split(/[\s,]+/)
    .map((x) => x.trim())
    .filter(Boolean);

/** "1-5 07:00-10:00" → { days: [1..5], start, end }; a sentence when it is not that. */
function parseDayparts(text: string): Daypart[] | string {
  const out: Daypart[] = [];
  for (const line of text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)) {
    const m = /^(\d)(?:-(\d))?\s+(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(line);
    if (!m) return `daypart "${line}" should look like 1-5 07:00-10:00`;
    const a = Number(m[1]);
    const b = Number(m[2] ?? m[1]);
    const days = [];
    for (let d = a; d <= b; d++) days.push(d);
    out.push({ days, start: m[3]!, end: m[4]! });
  }
  return out;
}

const today = () => new Date().toISOString().slice(0, 10);

export function BookingForm({ campaignId, onDone }: { campaignId: string; onDone(): void }) {
  const [screens, setScreens] = useState('');
  const [tags, setTags] = useState('');
  const [startsOn, setStartsOn] = useState(today());
  const [endsOn, setEndsOn] = useState(today());
  const [timeZone, setTimeZone] = useState('UTC');
  const [dayparts, setDayparts] = useState('');
  const [contracted, setContracted] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const parts = parseDayparts(dayparts);
    if (typeof parts === 'string') return setError(parts);
    consoleApi
      .createBooking({
        campaignId,
        screenIds: list(screens),
        tags: list(tags),
        startsOn,
        endsOn,
        timeZone,
        dayparts: parts,
        contractedPlays: contracted.trim() ? Number(contracted) : null,
      })
      .then(() => {
        setError(null);
        onDone();
      })
      .catch((err: unknown) => setError(message(err)));
  };
  return (
    <form className="campaign-form" data-testid="new-booking" onSubmit={submit}>
      <h3>Book this campaign</h3>
      <label>
        Screens (ids, comma separated)
        <input name="screenIds" value={screens} onChange={(e) => setScreens(e.target.value)} />
      </label>
      <label>
        Tags (comma separated)
        <input name="tags" value={tags} onChange={(e) => setTags(e.target.value)} />
      </label>
      <label>
        From
        <input
          name="startsOn"
          type="date"
          value={startsOn}
          onChange={(e) => setStartsOn(e.target.value)}
          required
        />
      </label>
      <label>
        To (inclusive)
        <input
          name="endsOn"
          type="date"
          value={endsOn}
          onChange={(e) => setEndsOn(e.target.value)}
          required
        />
      </label>
      <label>
        Time zone
        <input name="timeZone" value={timeZone} onChange={(e) => setTimeZone(e.target.value)} />
      </label>
      <label>
        Dayparts (one per line, e.g. 1-5 07:00-10:00; empty: all day)
        <textarea
          name="dayparts"
          value={dayparts}
          onChange={(e) => setDayparts(e.target.value)}
          rows={2}
        />
      </label>
      <label>
        Contracted plays
        <input
          name="contractedPlays"
          inputMode="numeric"
          value={contracted}
          onChange={(e) => setContracted(e.target.value)}
        />
      </label>
      <button type="submit">Book</button>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
