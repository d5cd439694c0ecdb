/**
 * Desired state (issue 13): keeps what screens and tags set, resolves each screen's effective
 * state, hands it to the fleet (it travels with the Screen through the change log), publishes
 * it to the agent (retained, versioned) and judges drift from what the agent reports.
 * README.md beside this file has the decisions.
 */
import type { DesiredSpec, ScreenDesired, TagDesired } from '../../../protocol';
import type { MqttLink } from '../broker/mqtt-link';
import type { Feature, ServerContext } from '../context';
import { reserveRevisions } from '../db/revisions';
import type { FleetState } from '../fleet/fleet-state';
import { loadScreenSpecs, loadTagSpecs } from './desired-repo';
import { desiredRoutes } from './desired-routes';
import { DriftTracker, sameDrift } from './drift';
import { DesiredPublisher } from './publisher';
import { effectiveOf, resolveDesired, sameEffective } from './resolution';

export interface DesiredStateFeature extends Feature {
  /** A screen's state or telemetry changed (ingest): judge its drift. */
  onScreenChanged(screenId: string): void;
  /** The server's MQTT link is back: a broker without persistence may have lost the retained copies. */
  onLinkUp(): void;
}

export interface DesiredStore {
  screenSpecs: Map<string, DesiredSpec>;
  tagSpecs: Map<string, TagDesired>;
  /** Recomputes these screens' effective state (all when absent); publishes what changed. */
  recompute(screenIds?: Iterable<string>, version?: number): Promise<void>;
}

export function createDesiredStateFeature(
  ctx: ServerContext,
  deps: { fleet: FleetState; link: () => MqttLink | null; now?: () => number },
): DesiredStateFeature {
  const now = deps.now ?? Date.now;
  const defaultTimeZone =
    ctx.config.desiredTimeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const publisher = new DesiredPublisher(deps.link, defaultTimeZone, ctx.log);
  const drift = new DriftTracker(ctx.config.driftGraceMs);
  const store: DesiredStore = {
    screenSpecs: new Map(),
    tagSpecs: new Map(),
    recompute,
  };
  /** Each screen's tags as last resolved: a changed list (an admin's edit) is resolved again. */
  const tagsSeen = new Map<string, string>();
  let sweepTimer: NodeJS.Timeout | null = null;
  let sweeping: Promise<void> | null = null;

  async function recompute(screenIds?: Iterable<string>, given?: number): Promise<void> {
    const ids = screenIds ? [...screenIds] : deps.fleet.all().map((s) => s.id);
    const changed: { id: string; next: ReturnType<typeof resolveDesired> }[] = [];
    for (const id of ids) {
      const screen = deps.fleet.get(id);
      if (!screen || screen.retired) continue;
      tagsSeen.set(id, JSON.stringify(screen.tags));
      const next = resolveDesired(
        screen.tags,
        store.screenSpecs.get(id),
        store.tagSpecs,
        defaultTimeZone,
      );
      if (!sameEffective(next, effectiveOf(screen.desired))) changed.push({ id, next });
    }
    if (changed.length === 0) return;
    // One change-log position is the new version of every screen changed together: versions
    // only grow, on every node, because the counter does.
    const version = given ?? (await ctx.knex.transaction((trx) => reserveRevisions(trx, 1)));
    for (const { id, next } of changed) {
      const screen = deps.fleet.get(id);
      if (!screen) continue;
      const view: ScreenDesired | null = next
        ? { ...next, version, drift: screen.desired?.drift ?? [] }
        : null;
      if (!view) drift.forget(id);
      deps.fleet.putDesired(id, view);
      publisher.publish(id, view, version);
      judge(id);
    }
  }

  /** Drift of one screen against its latest report; the screen is rewritten only on a change. */
  function judge(screenId: string): void {
    const screen = deps.fleet.get(screenId);
    const view = screen?.desired;
    if (!screen || !view) return;
    const next = drift.evaluate(screenId, view, screen.telemetry, screen.state === 'online', now());
    if (!sameDrift(next, view.drift)) deps.fleet.putDesired(screenId, { ...view, drift: next });
  }

  function publishAll(): void {
    for (const s of deps.fleet.all())
      if (s.desired && !s.retired) publisher.publish(s.id, s.desired, s.desired.version);
  }

  async function sweep(): Promise<void> {
    const retagged = deps.fleet
      .all()
      .filter((s) => tagsSeen.get(s.id) !== JSON.stringify(s.tags))
      .map((s) => s.id);
    if (retagged.length) await recompute(retagged);
    for (const s of deps.fleet.all()) if (s.desired) judge(s.id);
  }

  const sweepMs = Math.max(250, Math.min(5_000, Math.floor(ctx.config.driftGraceMs / 2)));

  return {
    name: 'desired-state',
    registerRoutes(router) {
      router.use(desiredRoutes({ knex: ctx.knex, fleet: deps.fleet, store, defaultTimeZone }));
    },
    async start() {
      store.screenSpecs = await loadScreenSpecs(ctx.knex);
      store.tagSpecs = await loadTagSpecs(ctx.knex);
      await recompute();
      publishAll();
      sweepTimer = setInterval(() => {
        if (sweeping) return;
        sweeping = sweep()
          .catch((err: unknown) => ctx.log.error({ err }, 'desired state sweep failed'))
          .finally(() => {
            sweeping = null;
          });
      }, sweepMs);
    },
    async stop() {
      if (sweepTimer) clearInterval(sweepTimer);
      sweepTimer = null;
      await sweeping;
    },
    onScreenChanged: judge,
    onLinkUp: publishAll,
  };
}
