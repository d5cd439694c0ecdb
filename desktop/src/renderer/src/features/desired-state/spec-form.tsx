/**
 * The form for one desired state (a screen's own, or a tag's): brightness, power, a schedule of
 * "on" windows per weekday and a time zone. Empty fields are "not set here" (inherited). The
 * form keeps text as typed; the server validates and words what it refuses.
 */
import { WEEKDAYS, type DesiredSpec, type Weekday } from '../../../../../../protocol';

export interface WindowFields {
  days: Weekday[];
  on: string;
  off: string;
}
export interface SpecFields {
  brightness: string;
  power: '' | 'on' | 'off';
  windows: WindowFields[];
  timeZone: string;
}

export const emptyFields = (): SpecFields => ({
  brightness: '',
  power: '',
  windows: [],
  timeZone: '',
});

export function fieldsOfSpec(spec: DesiredSpec): SpecFields {
  return {
    brightness: spec.brightness === undefined ? '' : String(spec.brightness),
    power: spec.power ?? '',
    windows: spec.schedule?.windows.map((w) => ({ ...w, days: [...w.days] })) ?? [],
    timeZone: spec.timeZone ?? '',
  };
}

/** The body sent; a non-number brightness goes as typed so the server's sentence names it. */
export function specOfFields(f: SpecFields): Record<string, unknown> {
  const spec: Record<string, unknown> = {};
  const b = f.brightness.trim();
  if (b !== '') spec.brightness = /^-?\d+(\.\d+)?$/.test(b) ? Number(b) : b;
  if (f.power) spec.power = f.power;
  if (f.windows.length) spec.schedule = { windows: f.windows };
  if (f.timeZone.trim()) spec.timeZone = f.timeZone.trim();
  return spec;
}

const DAY_LABEL: Record<Weekday, string> = {
  mon: 'Mo',
  tue: 'Tu',
  wed: 'We',
  thu: 'Th',
  fri: 'Fr',
  sat: 'Sa',
  sun: 'Su',
};

export function SpecInputs({
  fields,
  onChange,
  idPrefix,
  inheritedHint,
}: {
  fields: SpecFields;
  onChange: (f: SpecFields) => void;
  idPrefix: string;
  /** What an empty field means here ("from its tags" / "not managed"). */
  inheritedHint: string;
}) {
  const set = (patch: Partial<SpecFields>) => onChange({ ...fields, ...patch });
  const setWindow = (i: number, patch: Partial<WindowFields>) =>
    set({ windows: fields.windows.map((w, j) => (j === i ? { ...w, ...patch } : w)) });
  return (
    <div className="desired-inputs">
      <label className="select-field">
        <span>Brightness (0–100)</span>
        <input
          inputMode="numeric"
          value={fields.brightness}
          placeholder={inheritedHint}
          data-testid={`${idPrefix}-brightness`}
          onChange={(e) => set({ brightness: e.target.value })}
        />
      </label>
      <label className="select-field">
        <span>Display power</span>
        <select
          value={fields.power}
          data-testid={`${idPrefix}-power`}
          onChange={(e) => set({ power: e.target.value as SpecFields['power'] })}
        >
          <option value="">{inheritedHint}</option>
          <option value="on">On (the schedule decides, if any)</option>
          <option value="off">Off (always)</option>
        </select>
      </label>
      <label className="select-field">
        <span>Time zone (IANA)</span>
        <input
          value={fields.timeZone}
          placeholder="e.g. Europe/Berlin"
          data-testid={`${idPrefix}-timezone`}
          onChange={(e) => set({ timeZone: e.target.value })}
        />
      </label>
      <fieldset className="desired-schedule" data-testid={`${idPrefix}-schedule`}>
        <legend>Power schedule (display on inside these windows, off outside)</legend>
        {fields.windows.length === 0 && <p className="muted">No schedule set here.</p>}
        {fields.windows.map((w, i) => (
          <div className="desired-window" key={i} data-testid={`${idPrefix}-window`}>
            {WEEKDAYS.map((d) => (
              <label className="check" key={d}>
                <input
                  type="checkbox"
                  checked={w.days.includes(d)}
                  onChange={(e) =>
                    setWindow(i, {
                      days: e.target.checked
                        ? WEEKDAYS.filter((x) => x === d || w.days.includes(x))
                        : w.days.filter((x) => x !== d),
                    })
                  }
                />
                {DAY_LABEL[d]}
              </label>
            ))}
            <label>
              on{' '}
              <input
                type="time"
                value={w.on}
                aria-label={`Window ${i + 1} on at`}
                onChange={(e) => setWindow(i, { on: e.target.value })}
              />
            </label>
            <label>
              off{' '}
              <input
                type="time"
                value={w.off}
                aria-label={`Window ${i + 1} off at`}
                onChange={(e) => setWindow(i, { off: e.target.value })}
              />
            </label>
            <button
              type="button"
              className="button ghost small"
              onClick={() => set({ windows: fields.windows.filter((_, j) => j !== i) })}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          className="button small"
          data-testid={`${idPrefix}-add-window`}
          onClick={() =>
            set({
              windows: [...fields.windows, { days: [...WEEKDAYS], on: '06:00', off: '01:00' }],
            })
          }
        >
          Add window
        </button>
      </fieldset>
    </div>
  );
}
