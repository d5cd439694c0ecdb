/** Display helpers: times, ages, numbers. */

export const HEARTBEAT_MS = 10_000;
/** An online screen not heard from in 3 heartbeats is marked stale. */
export const STALE_MS = 3 * HEARTBEAT_MS;

export function ago(ts: number | null, now: number): string {
  if (ts === null) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

export function isStale(state: string, lastSeen: number | null, now: number): boolean {
  return state === 'online' && (lastSeen === null || now - lastSeen > STALE_MS);
}

// 24-hour clock throughout: an operations room reads "14:02", not "2:02 PM".
const timeFmt = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const timeSecFmt = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dateTimeFmt = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});
const fullFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

export const full = (ts: number) => fullFmt.format(ts);

export const hhmm = (ts: number) => timeFmt.format(ts);
export const hhmmss = (ts: number) => timeSecFmt.format(ts);

/** Time of day if today, else date and time. */
export function when(ts: number): string {
  const d = new Date(ts);
  const today = new Date();
  return d.toDateString() === today.toDateString() ? timeFmt.format(d) : dateTimeFmt.format(d);
}

export const HOT_C = 60;

export function temp(c: number | null | undefined): string {
  return c === null || c === undefined ? '—' : `${c.toFixed(1)} °C`;
}

export function pct(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${Math.round(v)} %`;
}

export function duration(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  return `${m} min`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
