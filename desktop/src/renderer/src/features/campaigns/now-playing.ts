/**
 * What a booked screen is playing right now, as its advertiser may be told: their own creative
 * by name, someone else's content without naming it (other advertisers' campaigns are not
 * theirs to see), or nothing. Read from the screen's latest content telemetry in the store.
 */
import type { Screen } from '../../../../../../protocol';

export type NowPlaying =
  | { kind: 'yours'; title: string; creativeId: string; since: number }
  | { kind: 'other'; since: number }
  /** No content reported, or the screen is not online (what it last reported is not "now"). */
  | { kind: 'nothing'; reason: 'none' | 'lost' | 'offline' | 'unknown' };

export function nowPlaying(
  screen: Pick<Screen, 'state' | 'telemetry'>,
  campaignId: string,
): NowPlaying {
  if (screen.state !== 'online') return { kind: 'nothing', reason: screen.state };
  const content = screen.telemetry?.content;
  if (!content) return { kind: 'nothing', reason: 'none' };
  if (content.campaignId === campaignId)
    return {
      kind: 'yours',
      title: content.title || content.creativeId,
      creativeId: content.creativeId,
      since: content.since,
    };
  return { kind: 'other', since: content.since };
}

/** The sentence a tile shows. */
export function nowPlayingText(p: NowPlaying): string {
  switch (p.kind) {
    case 'yours':
      return `Your creative: ${p.title}`;
    case 'other':
      return "Another advertiser's content";
    case 'nothing':
      return p.reason === 'none' || p.reason === 'unknown'
        ? 'Nothing reported'
        : `Nothing reported (screen ${p.reason})`;
  }
}
