/**
 * How long a 30-day uptime report over 1,000 screens takes (server/src/reports/README.md):
 * `npx tsx bench/uptime-report.ts [--pg-url postgres://…]`. Fills a scratch database with
 * 1,000 screens and 4 transitions a screen a day for 31 days (124,000 rows, plus 400 days of
 * older rows for 100 of them so the index probes have history to skip), then times the report
 * the route computes, JSON as sent. Prints one line per engine; asserts no timing.
 */
import { openDatabase } from '../server/src/db/connect';
import { onEachDatabase } from './lib/each-database';
import { migrateToLatest } from '../server/src/db/migrations';
import { buildUptimeReport } from '../server/src/reports/uptime-report';

const SCREENS = 1000;
const DAY = 24 * 3600_000;
const now = Date.now();

async function fill(knex: import('knex').Knex): Promise<number> {
  const screens = Array.from({ length: SCREENS }, (_, i) => ({
    id: `s-${i}`,
    name: `Screen ${i}`,
    tags: JSON.stringify([`zone-${i % 10}`]),
    rev: i + 1,
    created_at: 0,
  }));
  for (let i = 0; i < screens.length; i += 200)
    await knex('screens').insert(screens.slice(i, i + 200));
  const rows: { screen_id: string; state: string; boot_id: null; ts: number }[] = [];
  for (let i = 0; i < SCREENS; i++) {
    const days = i < 100 ? 400 : 31;
    for (let d = days; d > 0; d--) {
      const base = now - d * DAY + (i % 97) * 60_000;
      rows.push({ screen_id: `s-${i}`, state: 'online', boot_id: null, ts: base });
      rows.push({ screen_id: `s-${i}`, state: 'lost', boot_id: null, ts: base + 3 * 3600_000 });
      rows.push({
        screen_id: `s-${i}`,
        state: 'online',
        boot_id: null,
        ts: base + 3 * 3600_000 + 90_000,
      });
      rows.push({ screen_id: `s-${i}`, state: 'offline', boot_id: null, ts: base + 20 * 3600_000 });
    }
  }
  for (let i = 0; i < rows.length; i += 500)
    await knex('screen_state_history').insert(rows.slice(i, i + 500));
  return rows.length;
}

async function measure(label: string, url: string) {
  const db = openDatabase(url);
  try {
    await migrateToLatest(db.knex);
    const rows = await fill(db.knex);
    const q = { from: now - 30 * DAY, to: now, format: 'json' as const };
    await buildUptimeReport(db.knex, q, now); // warm
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      bytes = JSON.stringify(await buildUptimeReport(db.knex, q, now)).length;
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    console.log(
      `${label}: 30-day report, ${SCREENS} screens, ${rows} transitions stored: median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)}), ${(bytes / 1024).toFixed(0)} KB JSON`,
    );
  } finally {
    await db.close();
  }
}

await onEachDatabase('uptime', measure);
