import { describe, expect, it } from 'vitest';
import type { Screen, TelemetrySummary } from '../../../../../../protocol';
import { outagesOfBooking, screensOfBooking, unseenScreenIds } from './booked-screens';
import { nowPlaying, nowPlayingText } from './now-playing';

const telemetry = (content: TelemetrySummary['content']): TelemetrySummary => ({
  ts: 1,
  temperatureC: null,
  cpuPct: 1,
  memoryPct: 1,
  diskPct: null,
  uptimeS: 1,
  display: { power: 'on', brightness: 80 },
  content,
});
const screen = (id: string, over: Partial<Screen> = {}): Screen => ({
  id,
  name: id.toUpperCase(),
  address: null,
  lat: null,
  lng: null,
  tags: [],
  retired: false,
  state: 'online',
  stateSince: 1,
  lastSeen: 1,
  agentVersion: '1',
  capabilities: [],
  telemetry: null,
  rev: 1,
  ...over,
});
const summer = { creativeId: 'cr-1', campaignId: 'cmp-summer', title: 'Summer', since: 5 };

describe('nowPlaying', () => {
  it('names the advertiser’s own creative', () => {
    const p = nowPlaying(screen('a', { telemetry: telemetry(summer) }), 'cmp-summer');
    expect(p).toEqual({ kind: 'yours', title: 'Summer', creativeId: 'cr-1', since: 5 });
    expect(nowPlayingText(p)).toBe('Your creative: Summer');
  });

  it('falls back to the creative id when the title is empty', () => {
    const p = nowPlaying(
      screen('a', { telemetry: telemetry({ ...summer, title: '' }) }),
      'cmp-summer',
    );
    expect(nowPlayingText(p)).toBe('Your creative: cr-1');
  });

  it('does not name another advertiser’s content', () => {
    const other = { creativeId: 'cr-x', campaignId: 'cmp-rival', title: 'Rival Cola', since: 7 };
    const p = nowPlaying(screen('a', { telemetry: telemetry(other) }), 'cmp-summer');
    expect(p).toEqual({ kind: 'other', since: 7 });
    expect(nowPlayingText(p)).toBe("Another advertiser's content");
    expect(JSON.stringify(p)).not.toContain('Rival');
  });

  it('says nothing is reported without content, telemetry, or when the screen is down', () => {
    expect(nowPlayingText(nowPlaying(screen('a', { telemetry: telemetry(null) }), 'c'))).toBe(
      'Nothing reported',
    );
    expect(nowPlayingText(nowPlaying(screen('a'), 'c'))).toBe('Nothing reported');
    // A lost screen's last content is not what it plays now.
    const lost = screen('a', { state: 'lost', telemetry: telemetry(summer) });
    expect(nowPlaying(lost, 'cmp-summer')).toEqual({ kind: 'nothing', reason: 'lost' });
    expect(nowPlayingText(nowPlaying(lost, 'cmp-summer'))).toBe('Nothing reported (screen lost)');
    expect(nowPlayingText(nowPlaying(screen('a', { state: 'unknown' }), 'c'))).toBe(
      'Nothing reported',
    );
  });
});

describe('screensOfBooking', () => {
  const fleet = [
    screen('m2', { name: 'Mall 2', tags: ['mall'] }),
    screen('m1', { name: 'Mall 1', tags: ['mall', 'north'] }),
    screen('st', { name: 'Station', tags: ['rail'] }),
    screen('old', { name: 'Old mall', tags: ['mall'], retired: true }),
  ];

  it('takes booked ids and tagged screens once, sorted by name, without retired ones', () => {
    const got = screensOfBooking({ screenIds: ['st', 'm1'], tags: ['mall'] }, fleet);
    expect(got.map((s) => s.id)).toEqual(['m1', 'm2', 'st']);
  });

  it('lists booked ids the console does not hold', () => {
    const booking = { screenIds: ['st', 'gone'], tags: [] };
    expect(unseenScreenIds(booking, screensOfBooking(booking, fleet))).toEqual(['gone']);
  });

  it('keeps the report’s outages of this booking’s screens only', () => {
    const covered = screensOfBooking({ screenIds: [], tags: ['mall'] }, fleet);
    const missed = [
      {
        screenId: 'm1',
        name: 'Mall 1',
        plays: 3,
        reason: 'outage' as const,
        outages: [{ state: 'lost' as const, from: 1, to: null }],
      },
      { screenId: 'm2', name: 'Mall 2', plays: 0, reason: 'no_plays' as const, outages: [] },
      {
        screenId: 'st',
        name: 'Station',
        plays: 1,
        reason: 'outage' as const,
        outages: [{ state: 'offline' as const, from: 1, to: 2 }],
      },
    ];
    expect(outagesOfBooking(missed, covered).map((m) => m.screenId)).toEqual(['m1']);
  });
});
