/**
 * REST for desired state (operators and admins; advertisers are refused with a sentence):
 *   GET/PUT        /api/screens/:id/desired   what the screen sets, its tags' share, the effect
 *   GET            /api/tags/desired          every tag that sets something
 *   GET/PUT/DELETE /api/tags/:tag/desired
 * A PUT replaces what that screen or tag sets (a missing field: not set there). Each change is
 * audited in its own transaction with the stored spec and is sent to agents at once.
 */
import { Router, type Request, type Response } from 'express';
import type { Knex } from 'knex';
import {
  DesiredSpec,
  ScreenId,
  TagName,
  type Screen,
  type ScreenDesiredResponse,
  type TagDesired,
  type TagDesiredListResponse,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { reserveRevisions } from '../db/revisions';
import { AppError } from '../errors';
import type { FleetState } from '../fleet/fleet-state';
import { route, userOf } from '../http/middleware';
import type { DesiredStore } from './desired-feature';
import { saveScreenSpec, saveTagSpec } from './desired-repo';
import { describeSpec, specSentence } from './sentences';

export interface DesiredRoutesDeps {
  knex: Knex;
  fleet: FleetState;
  store: DesiredStore;
  defaultTimeZone: string;
}

export function desiredRoutes(deps: DesiredRoutesDeps): Router {
  const { knex, fleet, store } = deps;
  const router = Router();

  const staff = (res: Response) => {
    const user = userOf(res);
    if (user.role !== 'admin' && user.role !== 'operator')
      throw new AppError(
        'forbidden',
        "Only operators and admins can see or change a screen's desired state.",
      );
    return user;
  };
  const screenOf = (req: Request): Screen => {
    const id = String(req.params.id);
    const screen = ScreenId.safeParse(id).success ? fleet.get(id) : undefined;
    if (!screen) throw new AppError('not_found', `No screen has the id "${id}".`);
    return screen;
  };
  const tagOf = (req: Request): string => {
    const parsed = TagName.safeParse(String(req.params.tag));
    if (!parsed.success) throw new AppError('bad_request', 'A tag name has 1 to 64 characters.');
    return parsed.data;
  };
  const specOf = (body: unknown): DesiredSpec => {
    const parsed = DesiredSpec.safeParse(body ?? {});
    if (!parsed.success) throw new AppError('bad_request', specSentence(parsed.error.issues));
    return parsed.data;
  };
  const answer = (screen: Screen): ScreenDesiredResponse => {
    const current = fleet.get(screen.id) ?? screen;
    return {
      screenId: current.id,
      own: store.screenSpecs.get(current.id) ?? {},
      tags: current.tags.flatMap((t) => {
        const d = store.tagSpecs.get(t);
        return d ? [d] : [];
      }),
      effective: current.desired ?? null,
    };
  };
  const withTag = (tag: string) =>
    fleet
      .all()
      .filter((s) => s.tags.includes(tag))
      .map((s) => s.id);

  router.get(
    '/screens/:id/desired',
    route(async (req, res) => {
      staff(res);
      res.json(answer(screenOf(req)));
    }),
  );

  router.put(
    '/screens/:id/desired',
    route(async (req, res) => {
      const user = staff(res);
      const screen = screenOf(req);
      if (screen.retired)
        throw new AppError('conflict', `${screen.name} is retired: restore it first.`);
      const spec = specOf(req.body);
      const now = Date.now();
      const version = await knex.transaction(async (trx) => {
        await saveScreenSpec(trx, screen.id, spec, user.id, now);
        await recordAudit(trx, {
          actor: user,
          action: 'desired.screen_set',
          targetType: 'screen',
          targetId: screen.id,
          summary: `Set the desired state of ${screen.name} (${screen.id}): ${describeSpec(spec)}`,
          details: { spec },
        });
        return reserveRevisions(trx, 1);
      });
      if (Object.keys(spec).length) store.screenSpecs.set(screen.id, spec);
      else store.screenSpecs.delete(screen.id);
      await store.recompute([screen.id], version);
      res.json(answer(screen));
    }),
  );

  router.get(
    '/tags/desired',
    route(async (_req, res) => {
      staff(res);
      const tags = [...store.tagSpecs.values()].sort((a, b) => a.tag.localeCompare(b.tag));
      res.json({ tags } satisfies TagDesiredListResponse);
    }),
  );

  router.get(
    '/tags/:tag/desired',
    route(async (req, res) => {
      staff(res);
      const tag = tagOf(req);
      const found = store.tagSpecs.get(tag);
      if (!found) throw new AppError('not_found', `No desired state is set for the tag "${tag}".`);
      res.json(found);
    }),
  );

  router.put(
    '/tags/:tag/desired',
    route(async (req, res) => {
      const user = staff(res);
      const tag = tagOf(req);
      const spec = specOf(req.body);
      if (Object.keys(spec).length === 0)
        throw new AppError(
          'bad_request',
          `Set at least one of brightness, power, schedule or time zone for the tag "${tag}", or remove its desired state.`,
        );
      const now = Date.now();
      const version = await knex.transaction(async (trx) => {
        await saveTagSpec(trx, tag, spec, user.id, now);
        await recordAudit(trx, {
          actor: user,
          action: 'desired.tag_set',
          targetType: 'tag',
          targetId: tag,
          summary: `Set the desired state of tag ${tag}: ${describeSpec(spec)}`,
          details: { spec },
        });
        return reserveRevisions(trx, 1);
      });
      const saved: TagDesired = { tag, spec, updatedAt: now, updatedBy: user.id };
      store.tagSpecs.set(tag, saved);
      await store.recompute(withTag(tag), version);
      res.json(saved);
    }),
  );

  router.delete(
    '/tags/:tag/desired',
    route(async (req, res) => {
      const user = staff(res);
      const tag = tagOf(req);
      if (!store.tagSpecs.has(tag))
        throw new AppError('not_found', `No desired state is set for the tag "${tag}".`);
      const version = await knex.transaction(async (trx) => {
        await saveTagSpec(trx, tag, null, user.id, Date.now());
        await recordAudit(trx, {
          actor: user,
          action: 'desired.tag_cleared',
          targetType: 'tag',
          targetId: tag,
          summary: `Removed the desired state of tag ${tag}`,
        });
        return reserveRevisions(trx, 1);
      });
      store.tagSpecs.delete(tag);
      await store.recompute(withTag(tag), version);
      res.json({ deleted: true });
    }),
  );

  return router;
}
