/** Time zone, quiet hours and working hours: one person's alarm hours (Settings and People). */
import type { PersonScheduleInput } from '../../../../../../protocol';

export interface ScheduleDraft {
  timeZone: string;
  quiet: boolean;
  quietStart: string;
  quietEnd: string;
  working: boolean;
  days: number[];
  workStart: string;
  workEnd: string;
}

const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

export function draftOf(c: {
  timeZone: string;
  quietHours: { start: string; end: string } | null;
  workingHours: { days: number[]; start: string; end: string } | null;
}): ScheduleDraft {
  return {
    timeZone: c.timeZone,
    quiet: c.quietHours !== null,
    quietStart: c.quietHours?.start ?? '22:00',
    quietEnd: c.quietHours?.end ?? '07:00',
    working: c.workingHours !== null,
    days: c.workingHours?.days ?? [1, 2, 3, 4, 5],
    workStart: c.workingHours?.start ?? '08:00',
    workEnd: c.workingHours?.end ?? '18:00',
  };
}

export function scheduleOf(d: ScheduleDraft): PersonScheduleInput {
  return {
    timeZone: d.timeZone.trim(),
    quietHours: d.quiet ? { start: d.quietStart, end: d.quietEnd } : null,
    workingHours: d.working ? { days: d.days, start: d.workStart, end: d.workEnd } : null,
  };
}

export function ScheduleFields({
  draft,
  onChange,
  idPrefix,
}: {
  draft: ScheduleDraft;
  onChange: (d: ScheduleDraft) => void;
  idPrefix: string;
}) {
  const set = (patch: Partial<ScheduleDraft>) => onChange({ ...draft, ...patch });
  return (
    <div className="alerting-schedule">
      <label className="field">
        <span>Time zone (IANA, e.g. Europe/Berlin)</span>
        <input
          data-testid={`${idPrefix}-timezone`}
          value={draft.timeZone}
          spellCheck={false}
          onChange={(e) => set({ timeZone: e.target.value })}
        />
      </label>
      <fieldset className="alerting-fieldset">
        <legend>
          <label className="check">
            <input
              type="checkbox"
              data-testid={`${idPrefix}-quiet`}
              checked={draft.quiet}
              onChange={(e) => set({ quiet: e.target.checked })}
            />
            Quiet hours
          </label>
        </legend>
        <label className="field inline">
          <span>from</span>
          <input
            type="time"
            data-testid={`${idPrefix}-quiet-start`}
            disabled={!draft.quiet}
            value={draft.quietStart}
            onChange={(e) => set({ quietStart: e.target.value })}
          />
        </label>
        <label className="field inline">
          <span>to</span>
          <input
            type="time"
            data-testid={`${idPrefix}-quiet-end`}
            disabled={!draft.quiet}
            value={draft.quietEnd}
            onChange={(e) => set({ quietEnd: e.target.value })}
          />
        </label>
      </fieldset>
      <fieldset className="alerting-fieldset">
        <legend>
          <label className="check">
            <input
              type="checkbox"
              data-testid={`${idPrefix}-working`}
              checked={draft.working}
              onChange={(e) => set({ working: e.target.checked })}
            />
            Working hours (off duty outside them)
          </label>
        </legend>
        <div className="alerting-days" role="group" aria-label="Working days">
          {DAYS.map((label, i) => (
            <label key={label} className="check">
              <input
                type="checkbox"
                disabled={!draft.working}
                checked={draft.days.includes(i + 1)}
                onChange={(e) =>
                  set({
                    days: e.target.checked
                      ? [...draft.days, i + 1].sort()
                      : draft.days.filter((d) => d !== i + 1),
                  })
                }
              />
              {label}
            </label>
          ))}
        </div>
        <label className="field inline">
          <span>from</span>
          <input
            type="time"
            disabled={!draft.working}
            value={draft.workStart}
            onChange={(e) => set({ workStart: e.target.value })}
          />
        </label>
        <label className="field inline">
          <span>to</span>
          <input
            type="time"
            disabled={!draft.working}
            value={draft.workEnd}
            onChange={(e) => set({ workEnd: e.target.value })}
          />
        </label>
      </fieldset>
    </div>
  );
}
