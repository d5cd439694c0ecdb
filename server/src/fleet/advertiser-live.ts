/**
 * Live status for advertisers: each gets `billboardStatusUpdate` batches holding exactly the
 * screens they may see (the screens their conversations are about and the ones an admin
 * granted them) and nothing else.
 *
 * Decision: one filtered batch per advertiser per tick, emitted to their `user:{id}` room,
 * rather than per-screen rooms. Operators keep the one fleet batch (one emit per tick for all
 * of them). Per-screen rooms would cost one emit per changed screen per tick — the unbatched
 * fan-out the design measured at 0.10× the broker — or a batch per socket's room set, which
 * Socket.IO cannot express; a batch per advertiser costs one emit per advertiser who has a
 * changed screen in the tick, and advertisers see few screens each. The `user:{id}` room is
 * carried by the Redis adapter, so the node that writes a screen reaches the advertiser
 * wherever their console is connected.
 *
 * The index (screen → advertisers who may see it) covers every advertiser, connected or not,
 * loaded from the database at start; an access change (a conversation about a screen created,
 * joined or left; a grant added or revoked) re-reads the affected users at once, sends newly visible screens whole (their
 * rev may be older than the console's cursor, so `sync` would never bring them) and lists lost
 * ones in `forget`. With several nodes the change is announced to the others (serverSideEmit)
 * so their indexes follow.
 */
import type { Server } from 'socket.io';
import type { Knex } from 'knex';
import type { BillboardStatusUpdate, Screen, ScreenTelemetryPatch } from '../../../protocol';
import type { Logger } from '../log';
import type { MarqueeServer } from '../realtime/socket-router';
import { rowToScreen, type ScreenRow } from './screen-rows';
import { BEHIND_ROOM } from './slow-consoles';

/** The room of advertiser sockets: the slow-console check watches it like the fleet room. */
export const ADVERTISER_LIVE_ROOM = 'fleet:advertisers';
const userRoom = (id: string) => `user:${id}`;
const INTER_NODE_EVENT = 'marquee:advertiserAccessChanged';

export class AdvertiserLive {
  private readonly byScreen = new Map<string, Set<string>>();
  private readonly byUser = new Map<string, Set<string>>();
  /** Refreshes run one at a time, so two changes for one user never compute stale diffs. */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: {
      knex: Knex;
      io: MarqueeServer;
      log: Logger;
      /** The screens an advertiser may see, from the database. */
      screensOf(userId: string): Promise<Set<string>>;
      acrossNodes: boolean;
    },
  ) {
    (deps.io as unknown as Server).on(INTER_NODE_EVENT, (userIds: string[]) => {
      void this.refresh(userIds, false);
    });
  }

  /** Every advertiser's visible screens, in one query. */
  async load(): Promise<void> {
    const rows: { user_id: string; screen_id: string }[] = await this.deps
      .knex('conversations as c')
      .join('conversation_participants as p', 'p.conversation_id', 'c.id')
      .join('users as u', 'u.id', 'p.user_id')
      .where('u.role', 'advertiser')
      .whereNull('p.removed_at')
      .whereNotNull('c.screen_id')
      .distinct('p.user_id', 'c.screen_id');
    // Screens admins granted (admin-users/grants-repo.ts): the same union as `screensOf`.
    rows.push(
      ...(await this.deps
        .knex('screen_grants as g')
        .join('users as u', 'u.id', 'g.user_id')
        .where('u.role', 'advertiser')
        .select('g.user_id', 'g.screen_id')),
    );
    const byUser = new Map<string, Set<string>>();
    for (const r of rows) {
      let set = byUser.get(r.user_id);
      if (!set) byUser.set(r.user_id, (set = new Set()));
      set.add(r.screen_id);
    }
    for (const [userId, screens] of byUser) this.set(userId, screens);
  }

  /**
   * A conversation changed (created, participants, a message, a read marker). Only when an
   * advertiser's access may differ is the database asked: an active advertiser participant of
   * a screen's conversation who is not yet known to see it, or an updated user who is no longer
   * a participant (removed or left). Message traffic costs a few set look-ups.
   */
  conversationChanged(
    view: { screenId: string | null; participants: { userId: string; role: string }[] },
    userIds: string[],
  ): void {
    const screenId = view.screenId;
    if (!screenId) return;
    const suspects = userIds.filter((userId) => {
      const p = view.participants.find((x) => x.userId === userId);
      if (p) return p.role === 'advertiser' && !this.byUser.get(userId)?.has(screenId);
      return this.byUser.get(userId)?.has(screenId) ?? false;
    });
    if (suspects.length) void this.refresh(suspects);
  }

  /** Advertisers who may see the screen (undefined: none). */
  audienceOf(screenId: string): ReadonlySet<string> | undefined {
    return this.byScreen.get(screenId);
  }

  /**
   * Some users' access may have changed (a conversation they are in was created or its
   * participants changed). Staff are skipped: they see the whole fleet anyway.
   */
  refresh(userIds: Iterable<string>, announce = true): Promise<void> {
    const ids = [...new Set(userIds)];
    this.queue = this.queue
      .then(() => this.refreshNow(ids, announce))
      .catch((err: unknown) => this.deps.log.error({ err }, 'advertiser access refresh failed'));
    return this.queue;
  }

  private async refreshNow(ids: string[], announce: boolean): Promise<void> {
    if (ids.length === 0) return;
    if (announce && this.deps.acrossNodes)
      (this.deps.io as unknown as Server).serverSideEmit(INTER_NODE_EVENT, ids);
    const advertisers: string[] = await this.deps
      .knex('users')
      .whereIn('id', ids)
      .where('role', 'advertiser')
      .pluck('id');
    // Someone who is no longer an advertiser (a role changed) leaves the index: their sockets
    // were ended with the change, and a staff console watches the whole fleet anyway.
    for (const userId of ids) if (!advertisers.includes(userId)) this.set(userId, new Set());
    for (const userId of advertisers) {
      const now = await this.deps.screensOf(userId);
      const before = this.byUser.get(userId) ?? new Set<string>();
      const gained = [...now].filter((id) => !before.has(id));
      const lost = [...before].filter((id) => !now.has(id));
      if (gained.length === 0 && lost.length === 0) continue;
      this.set(userId, now);
      // Only the node where the change happened tells the consoles (the others just follow).
      if (!announce) continue;
      // From the database, not this node's memory: the screen may be another node's, and the
      // stored row's content matches its rev (newer changes follow in the next batches).
      const screens = gained.length
        ? (await this.deps.knex<ScreenRow>('screens').whereIn('id', gained)).map(rowToScreen)
        : [];
      const batch: BillboardStatusUpdate = {
        cursor: Math.max(0, ...screens.map((s) => s.rev)),
        screens,
        patches: [],
        ...(lost.length ? { forget: lost } : {}),
      };
      this.deps.io.to(userRoom(userId)).emit('billboardStatusUpdate', batch);
    }
  }

  /** After the fleet batch of a tick: one filtered batch per advertiser with something in it. */
  broadcast(cursor: number, screens: Screen[], patches: ScreenTelemetryPatch[]): void {
    if (this.byScreen.size === 0) return;
    const batches = new Map<string, { screens: Screen[]; patches: ScreenTelemetryPatch[] }>();
    const slot = (userId: string) => {
      let b = batches.get(userId);
      if (!b) batches.set(userId, (b = { screens: [], patches: [] }));
      return b;
    };
    for (const s of screens) for (const u of this.byScreen.get(s.id) ?? []) slot(u).screens.push(s);
    for (const p of patches) for (const u of this.byScreen.get(p.id) ?? []) slot(u).patches.push(p);
    for (const [userId, b] of batches) {
      this.deps.io
        .to(userRoom(userId))
        .except(BEHIND_ROOM)
        .emit('billboardStatusUpdate', { cursor, ...b });
    }
  }

  private set(userId: string, screens: Set<string>): void {
    for (const id of this.byUser.get(userId) ?? []) {
      const who = this.byScreen.get(id);
      who?.delete(userId);
      if (who?.size === 0) this.byScreen.delete(id);
    }
    if (screens.size === 0) {
      this.byUser.delete(userId);
      return;
    }
    this.byUser.set(userId, screens);
    for (const id of screens) {
      let who = this.byScreen.get(id);
      if (!who) this.byScreen.set(id, (who = new Set()));
      who.add(userId);
    }
  }
}
