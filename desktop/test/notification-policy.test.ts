import { describe, expect, it } from 'vitest';
import {
  NotificationPrefs,
  inQuietHours,
  shouldShowNativeToast,
} from '../src/core/notification-policy';

const at = (h: number, m = 0) => new Date(2026, 10, 25, h, m);

describe('native toast policy', () => {
  const defaults = NotificationPrefs.parse({});

  it('shows toasts only when the window is not focused', () => {
    expect(shouldShowNativeToast(defaults, 'alarm', false, at(12))).toBe(true);
    expect(shouldShowNativeToast(defaults, 'alarm', true, at(12))).toBe(false);
  });

  it('respects per-kind preferences', () => {
    const prefs = NotificationPrefs.parse({
      kinds: { message: false, alarm: true, screenStatus: true, announcement: true },
    });
    expect(shouldShowNativeToast(prefs, 'message', false, at(12))).toBe(false);
    expect(shouldShowNativeToast(prefs, 'alarm', false, at(12))).toBe(true);
  });

  it('keeps quiet hours across midnight', () => {
    const prefs = NotificationPrefs.parse({
      quietHours: { enabled: true, start: '22:00', end: '07:00' },
    });
    expect(inQuietHours(prefs, at(23, 30))).toBe(true);
    expect(inQuietHours(prefs, at(3))).toBe(true);
    expect(inQuietHours(prefs, at(7))).toBe(false);
    expect(inQuietHours(prefs, at(21, 59))).toBe(false);
    expect(shouldShowNativeToast(prefs, 'alarm', false, at(23, 30))).toBe(false);
  });

  it('keeps quiet hours within a day', () => {
    const prefs = NotificationPrefs.parse({
      quietHours: { enabled: true, start: '12:00', end: '13:30' },
    });
    expect(inQuietHours(prefs, at(12, 45))).toBe(true);
    expect(inQuietHours(prefs, at(13, 30))).toBe(false);
  });

  it('rejects a malformed time', () => {
    expect(
      NotificationPrefs.safeParse({ quietHours: { enabled: true, start: '25:00', end: '07:00' } })
        .success,
    ).toBe(false);
  });
});
