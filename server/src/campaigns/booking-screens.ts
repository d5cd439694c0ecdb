/**
 * Which screens a booking puts a campaign on, and whether an hour is booked. A booking names
 * screens by id and by tag; tags are resolved against the screens as they are now (a screen
 * tagged later joins the booking, one untagged leaves it).
 */
import type { Booking, LocalTime } from '../../../protocol';

export interface ScreenLite {
  id: string;
  name: string;
  tags: string[];
}

export function bookedScreenIds(booking: Booking, screens: Iterable<ScreenLite>): Set<string> {
  const out = new Set(booking.screenIds);
  if (booking.tags.length) {
    const tags = new Set(booking.tags);
    for (const s of screens) if (s.tags.some((t) => tags.has(t))) out.add(s.id);
  }
  return out;
}

/** Union over bookings (an advertiser's visible screens, a campaign's booked screens). */
export function bookedScreensOf(bookings: Booking[], screens: ScreenLite[]): Set<string> {
  const out = new Set<string>();
  for (const b of bookings) for (const id of bookedScreenIds(b, screens)) out.add(id);
  return out;
}

/** The local hour starting at `local` is inside the booking's dates and dayparts. */
export function hourIsBooked(booking: Booking, local: LocalTime): boolean {
  if (local.date < booking.startsOn || local.date > booking.endsOn) return false;
  if (booking.dayparts.length === 0) return true;
  return booking.dayparts.some(
    (d) =>
      d.days.includes(local.weekday) &&
      local.hour >= Number(d.start.slice(0, 2)) &&
      local.hour < Number(d.end.slice(0, 2)),
  );
}
