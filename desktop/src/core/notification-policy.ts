/**
 * Whether a notification becomes a native OS toast: only when the window is not focused, only
 * for kinds the operator keeps on, and never in quiet hours (which may span midnight).
 * Plain logic, so it is tested in Node; Electron's main process only asks it.
 */
import { z } from 'zod';
import type { NotificationKind } from '../../../protocol';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM');

export const NotificationPrefs = z.object({
  kinds: z
    .object({
      message: z.boolean(),
      alarm: z.boolean(),
      screenStatus: z.boolean(),
      announcement: z.boolean(),
    })
    .default({ message: true, alarm: true, screenStatus: true, announcement: true }),
  quietHours: z
    .object({ enabled: z.boolean(), start: hhmm, end: hhmm })
    .default({ enabled: false, start: '22:00', end: '07:00' }),
});
export type NotificationPrefs = z.infer<typeof NotificationPrefs>;

const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

export function inQuietHours(prefs: NotificationPrefs, now: Date): boolean {
  if (!prefs.quietHours.enabled) return false;
  const m = now.getHours() * 60 + now.getMinutes();
  const start = minutes(prefs.quietHours.start);
  const end = minutes(prefs.quietHours.end);
  return start <= end ? m >= start && m < end : m >= start || m < end;
}

export function shouldShowNativeToast(
  prefs: NotificationPrefs,
  kind: NotificationKind,
  windowFocused: boolean,
  now: Date,
): boolean {
  return !windowFocused && prefs.kinds[kind] && !inQuietHours(prefs, now);
}
