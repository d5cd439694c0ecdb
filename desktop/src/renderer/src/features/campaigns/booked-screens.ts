/**
 * Which of the console's screens a booking covers, and the outages the delivery report found
 * on them. The same rule as the server's (server/src/campaigns/booking-screens.ts): the booked
 * ids ∪ the screens carrying a booked tag, retired screens left out. The store holds exactly
 * the screens this advertiser may see, so the server decides visibility, not this file.
 */
import type { Booking, DeliveryMissedScreen, Screen } from '../../../../../../protocol';

export function screensOfBooking(
  booking: Pick<Booking, 'screenIds' | 'tags'>,
  screens: Iterable<Screen>,
): Screen[] {
  const ids = new Set(booking.screenIds);
  const tags = new Set(booking.tags);
  const covered: Screen[] = [];
  for (const s of screens) {
    if (s.retired) continue;
    if (ids.has(s.id) || s.tags.some((t) => tags.has(t))) covered.push(s);
  }
  return covered.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/** Booked ids the store does not hold (not synced yet, or no longer visible). */
export function unseenScreenIds(booking: Pick<Booking, 'screenIds'>, screens: Screen[]): string[] {
  const seen = new Set(screens.map((s) => s.id));
  return booking.screenIds.filter((id) => !seen.has(id));
}

/** The report's missed screens that this booking covers and that had a lost/offline stretch. */
export function outagesOfBooking(
  missed: DeliveryMissedScreen[],
  screens: Screen[],
): DeliveryMissedScreen[] {
  const ids = new Set(screens.map((s) => s.id));
  return missed.filter((m) => ids.has(m.screenId) && m.outages.length > 0);
}
