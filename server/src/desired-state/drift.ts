/**
 * Drift: the screen reports something else than its desired state. A mismatch becomes drift
 * only after it has lasted `graceMs` (the agent needs a moment to apply a new desired state, and
 * at a schedule boundary the two clocks differ by a little); its `since` is when it was first
 * seen. Only online screens are judged: an offline screen's last report says nothing new.
 */
import {
  desiredPowerAt,
  type DriftEntry,
  type ScreenDesired,
  type TelemetrySummary,
} from '../../../protocol';

type Field = DriftEntry['field'];

export class DriftTracker {
  /** screenId → field → when the mismatch was first seen (not yet drift, or drift's since). */
  private readonly firstSeen = new Map<string, Map<Field, number>>();

  constructor(private readonly graceMs: number) {}

  evaluate(
    screenId: string,
    view: ScreenDesired,
    telemetry: TelemetrySummary | null,
    online: boolean,
    now: number,
  ): DriftEntry[] {
    if (!online || !telemetry) return view.drift;
    const seen = this.firstSeen.get(screenId) ?? new Map<Field, number>();
    const pairs: [Field, string | number | null, string | number][] = [
      ['brightness', view.brightness, telemetry.display.brightness],
      [
        'power',
        desiredPowerAt(view, now),
        telemetry.display.power === 'standby' ? 'off' : telemetry.display.power,
      ],
    ];
    const drift: DriftEntry[] = [];
    for (const [field, desired, reported] of pairs) {
      if (desired === null || desired === reported) {
        seen.delete(field);
        continue;
      }
      const earlier = view.drift.find((d) => d.field === field)?.since;
      const since = earlier ?? seen.get(field) ?? now;
      seen.set(field, since);
      if (earlier !== undefined || now - since >= this.graceMs)
        drift.push({ field, desired, reported, since });
    }
    if (seen.size > 0) this.firstSeen.set(screenId, seen);
    else this.firstSeen.delete(screenId);
    return drift;
  }

  forget(screenId: string): void {
    this.firstSeen.delete(screenId);
  }
}

export const sameDrift = (a: DriftEntry[], b: DriftEntry[]): boolean =>
  JSON.stringify(a) === JSON.stringify(b);
