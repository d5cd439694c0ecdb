/**
 * Proof of play (server/src/campaigns/README.md): `npx tsx bench/proof-of-play.ts [--pg-url …]`.
 *
 * 1. Ingestion: 10,000 screens × one record every 15 s ≈ 670 records/s for 20 s through the
 *    server's EventStore with the proof-of-play writer (group commits, roll-up in the same
 *    transaction), beside a status load of 1,000 screen rows updated per second (the status
 *    writer's shape: batched UPDATEs of last_seen/telemetry). Prints the rate stored and the
 *    add → stored latency (p50/p99).
 * 2. The delivery report: one campaign booked on 1,000 screens for 30 days, every hour of every
 *    screen played (720,000 roll-up rows, 240 plays an hour each ≈ 173 M plays counted), plus
 *    a sample of raw rows for the first/last probes, and outages on 100 screens. Times the
 *    report the route computes. Prints figures; asserts no timing.
 */
import type { Knex } from 'knex';
import type { Booking, Campaign } from '../protocol';
import { openDatabase } from '../server/src/db/connect';
import { onEachDatabase } from './lib/each-database';
import { migrateToLatest } from '../server/src/db/migrations';
import { EventStore } from '../server/src/fleet/event-store';
import { createLogger } from '../server/src/log';
import { storeProofOfPlay, HOUR_MS } from '../server/src/campaigns/pop-store';
import { buildDeliveryReport } from '../server/src/campaigns/delivery';

const SCREENS = 1000;
const DAY = 24 * HOUR_MS;
const RATE = 670;
const SECONDS = 20;

async function screens(knex: Knex) {
  const rows = Array.from({ length: SCREENS }, (_, i) => ({
    id: `s-${i}`,
    name: `Screen ${i}`,
    tags: JSON.stringify(['bench']),
    rev: i + 1,
    created_at: 0,
  }));
  for (let i = 0; i < rows.length; i += 200) await knex('screens').insert(rows.slice(i, i + 200));
}

async function ingestion(label: string, knex: Knex) {
  const store = new EventStore(knex, createLogger('silent'), storeProofOfPlay);
  const latencies: number[] = [];
  let stored = 0;
  let status = 0;
  const stop = Date.now() + SECONDS * 1000;
  // Status load: 25 screens every 25 ms = 1,000 rows/s.
  const statusLoop = (async () => {
    let i = 0;
    while (Date.now() < stop) {
      const ids = Array.from({ length: 25 }, () => `s-${i++ % SCREENS}`);
      await knex('screens')
        .whereIn('id', ids)
        .update({ last_seen: Date.now(), telemetry: '{"cpu":1}' });
      status += ids.length;
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  const t0 = performance.now();
  let sent = 0;
  const pending: Promise<void>[] = [];
  while (Date.now() < stop) {
    const due = Math.floor(((performance.now() - t0) / 1000) * RATE);
    for (; sent < due; sent++) {
      const at = performance.now();
      const n = sent;
      pending.push(
        store
          .add(`s-${n % SCREENS}`, {
            id: `pop-${n}`,
            kind: 'proofOfPlay',
            ts: Date.now(),
            bootId: 'b',
            seq: n,
            creativeId: 'cr',
            campaignId: 'cmp-bench',
            startedAt: Date.now() - 10_000,
            durationMs: 10_000,
          })
          .then(() => {
            stored++;
            latencies.push(performance.now() - at);
          }),
      );
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await Promise.all(pending);
  await statusLoop;
  const elapsed = (performance.now() - t0) / 1000;
  await store.stop();
  latencies.sort((a, b) => a - b);
  const q = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
  const counted = Number(
    ((await knex('proof_of_play_hours').sum('plays as n')) as { n: number }[])[0]!.n,
  );
  console.log(
    `${label}: ingestion ${(stored / elapsed).toFixed(0)} records/s stored (asked ${RATE}/s) beside ${(status / elapsed).toFixed(0)} status rows/s; add→stored p50 ${q(0.5).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms; roll-up counts ${counted} of ${stored}`,
  );
}

async function report(label: string, knex: Knex) {
  const now = Date.now();
  const start = Math.floor((now - 30 * DAY) / DAY) * DAY;
  await knex('organizations').insert({ id: 'org', name: 'Bench', created_at: 0 });
  const campaign: Campaign = {
    id: 'cmp-report',
    organizationId: 'org',
    organizationName: 'Bench',
    name: 'Report',
    createdAt: 0,
    updatedAt: 0,
    activeBookings: 1,
  };
  const hours = [];
  for (let h = start; h < start + 30 * DAY; h += HOUR_MS)
    for (let s = 0; s < SCREENS; s++)
      hours.push({ campaign_id: campaign.id, screen_id: `s-${s}`, hour: h, plays: 240 });
  for (let i = 0; i < hours.length; i += 200)
    await knex('proof_of_play_hours').insert(hours.slice(i, i + 200));
  const raw = Array.from({ length: 10_000 }, (_, i) => ({
    screen_id: `s-${i % SCREENS}`,
    record_id: `r-${i}`,
    campaign_id: campaign.id,
    creative_id: 'cr',
    started_at: start + Math.floor((i / 10_000) * 30 * DAY),
    duration_ms: 10_000,
    received_at: now,
  }));
  for (let i = 0; i < raw.length; i += 500)
    await knex('proof_of_play').insert(raw.slice(i, i + 500));
  const states = [];
  for (let s = 0; s < 100; s++)
    for (let d = 0; d < 30; d++) {
      states.push({
        screen_id: `s-${s}`,
        state: 'lost',
        boot_id: null,
        ts: start + d * DAY + 3 * HOUR_MS,
      });
      states.push({
        screen_id: `s-${s}`,
        state: 'online',
        boot_id: null,
        ts: start + d * DAY + 4 * HOUR_MS,
      });
    }
  for (let i = 0; i < states.length; i += 500)
    await knex('screen_state_history').insert(states.slice(i, i + 500));
  const booking: Booking = {
    id: 'bk',
    campaignId: campaign.id,
    screenIds: [],
    tags: ['bench'],
    startsOn: new Date(start).toISOString().slice(0, 10),
    endsOn: new Date(start + 29 * DAY).toISOString().slice(0, 10),
    timeZone: 'Europe/Berlin',
    dayparts: [{ days: [1, 2, 3, 4, 5], start: '07:00', end: '22:00' }],
    contractedPlays: 100_000_000,
    status: 'active',
    createdAt: 0,
    updatedAt: 0,
  };
  const list = Array.from({ length: SCREENS }, (_, i) => ({
    id: `s-${i}`,
    name: `Screen ${i}`,
    tags: ['bench'],
  }));
  const run = () =>
    buildDeliveryReport(knex, {
      campaign,
      bookings: [booking],
      screens: list,
      from: start,
      to: start + 30 * DAY,
      now,
    });
  await run();
  const times: number[] = [];
  let r = await run();
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    r = await run();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${label}: 30-day delivery report, ${SCREENS} screens, ${hours.length} roll-up rows (${r.deliveredPlays + r.outsideBookingPlays} plays), dayparts in Europe/Berlin: median ${times[1]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[2]!.toFixed(0)}); ${r.missed.length} missed screens, ${(JSON.stringify(r).length / 1024).toFixed(0)} KB JSON`,
  );
}

async function measure(label: string, url: string) {
  const db = openDatabase(url);
  try {
    await migrateToLatest(db.knex);
    await screens(db.knex);
    await ingestion(label, db.knex);
    await report(label, db.knex);
  } finally {
    await db.close();
  }
}

await onEachDatabase('pop', measure);
