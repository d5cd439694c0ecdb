/**
 * The screen fields as a form edits them (text inputs) and as the server takes them. Values
 * that are not numbers go to the server as they are: its sentence says what to change.
 */
import type { Screen } from '../../../../../../protocol';

export interface ScreenFields {
  id: string;
  name: string;
  address: string;
  lat: string;
  lng: string;
  tags: string;
}

export const emptyFields: ScreenFields = {
  id: '',
  name: '',
  address: '',
  lat: '',
  lng: '',
  tags: '',
};

export const fieldsOf = (s: Screen): ScreenFields => ({
  id: s.id,
  name: s.name,
  address: s.address ?? '',
  lat: s.lat === null ? '' : String(s.lat),
  lng: s.lng === null ? '' : String(s.lng),
  tags: s.tags.join(', '),
});

const num = (v: string) => {
  const t = v.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : t;
};

/** `cleared`: what an empty field means (absent when registering, null when editing). */
export function bodyOf(f: ScreenFields, cleared: 'absent' | 'null'): Record<string, unknown> {
  const empty = cleared === 'null' ? null : undefined;
  return {
    ...(cleared === 'absent' && f.id.trim() !== '' && { id: f.id.trim() }),
    name: f.name,
    address: f.address.trim() === '' ? empty : f.address,
    lat: num(f.lat) ?? empty,
    lng: num(f.lng) ?? empty,
    tags: f.tags
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== ''),
  };
}

export function ScreenFieldInputs({
  fields,
  onChange,
  withId,
}: {
  fields: ScreenFields;
  onChange: (f: ScreenFields) => void;
  withId: boolean;
}) {
  const input = (key: keyof ScreenFields, label: string, placeholder = '') => (
    <label className="field">
      <span>{label}</span>
      <input
        data-testid={`screen-field-${key}`}
        value={fields[key]}
        placeholder={placeholder}
        onChange={(e) => onChange({ ...fields, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <>
      {withId && input('id', 'Id (optional: generated when empty)', 'e.g. lobby-01')}
      {input('name', 'Name')}
      {input('address', 'Address')}
      <div className="admin-field-row">
        {input('lat', 'Latitude', '-90 … 90')}
        {input('lng', 'Longitude', '-180 … 180')}
      </div>
      {input('tags', 'Tags (comma-separated)', 'e.g. waterfront, north')}
    </>
  );
}
