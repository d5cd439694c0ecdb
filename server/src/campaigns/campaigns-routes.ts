/**
 * REST for organizations, campaigns and bookings (shapes and list: protocol/campaigns.ts).
 * Staff (admins, operators) manage campaigns and bookings; admins manage organizations and who
 * belongs to them; an advertiser reads their own organization's and is told "no such campaign"
 * for any other (the same sentence as for one that does not exist: nothing is disclosed).
 */
import { Router } from 'express';
import type { Knex } from 'knex';
import {
  CampaignId,
  CreateBookingRequest,
  CreateCampaignRequest,
  CreateOrganizationRequest,
  SetUserOrganizationRequest,
  UpdateBookingRequest,
  type Booking,
  type Campaign,
  type User,
} from '../../../protocol';
import { recordAudit } from '../audit/audit-log';
import { AppError } from '../errors';
import { parseBody, route, userOf } from '../http/middleware';
import type { ScreenLite } from './booking-screens';
import { bookingWindow, wholeHourZone } from './booking-time';
import * as repo from './campaigns-repo';

export interface CampaignRouteDeps {
  knex: Knex;
  screens(): ScreenLite[];
  /** A booking or membership changed: these advertisers' live views follow (fleet.accessChanged). */
  accessChanged(userIds: string[]): Promise<void>;
}

export const isStaff = (u: User) => u.role === 'admin' || u.role === 'operator';

function requireStaff(u: User, what: string) {
  if (!isStaff(u))
    throw new AppError(
      'forbidden',
      `${what} is for operators and admins; your account is an advertiser's.`,
    );
}

function requireAdmin(u: User, what: string) {
  if (u.role !== 'admin') throw new AppError('forbidden', `${what} is for admins only.`);
}

/** The campaign if this user may see it, else a 404 with one sentence for both cases. */
export async function campaignFor(knex: Knex, user: User, id: string): Promise<Campaign> {
  const parsed = CampaignId.safeParse(id);
  const campaign = parsed.success ? await repo.getCampaign(knex, parsed.data) : null;
  if (
    campaign &&
    (isStaff(user) || (await repo.organizationOfUser(knex, user.id)) === campaign.organizationId)
  )
    return campaign;
  throw new AppError(
    'not_found',
    `No campaign with id ${JSON.stringify(id.slice(0, 128))} is known.`,
  );
}

const isUnique = (err: unknown) => /unique|duplicate/i.test(String((err as Error).message));

export function campaignRoutes(deps: CampaignRouteDeps): Router {
  const { knex } = deps;
  const r = Router();

  const checkBooking = (b: Pick<Booking, 'screenIds' | 'startsOn' | 'endsOn' | 'timeZone'>) => {
    const known = new Set(deps.screens().map((s) => s.id));
    const unknown = b.screenIds.filter((id) => !known.has(id));
    if (unknown.length)
      throw new AppError(
        'not_found',
        `No screen with id ${unknown.slice(0, 5).join(', ')} is known; nothing was booked.`,
      );
    const [from, to] = bookingWindow(b);
    if ((to - from) / 86_400_000 > 400)
      throw new AppError('bad_request', 'a booking lasts at most 400 days');
    if (!wholeHourZone(b.timeZone, from, to))
      throw new AppError(
        'bad_request',
        `time zone ${b.timeZone} is not a whole number of hours from UTC during the booking; plays are counted per hour, so choose a zone such as UTC or Europe/Berlin`,
      );
  };
  const membersFor = async (campaignId: string) => {
    const c = await repo.getCampaign(knex, campaignId);
    return c ? repo.membersOf(knex, c.organizationId) : [];
  };

  r.get(
    '/organizations',
    route(async (_req, res) => {
      const user = userOf(res);
      const own = isStaff(user) ? undefined : await repo.organizationOfUser(knex, user.id);
      res.json({ organizations: await repo.listOrganizations(knex, own) });
    }),
  );

  r.post(
    '/organizations',
    route(async (req, res) => {
      const user = userOf(res);
      requireAdmin(user, 'Creating organizations');
      const body = parseBody(CreateOrganizationRequest, req.body);
      const id =
        body.id ??
        `org-${body.name
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '-')
          .slice(0, 40)}-${Date.now().toString(36)}`;
      try {
        await knex.transaction(async (trx) => {
          await repo.insertOrganization(trx, id, body.name);
          await recordAudit(trx, {
            actor: user,
            action: 'organization.created',
            targetType: 'organization',
            targetId: id,
            summary: `Created advertiser organization ${body.name} (${id})`,
          });
        });
      } catch (err) {
        if (isUnique(err))
          throw new AppError(
            'conflict',
            `An organization named ${body.name} or with id ${id} exists already.`,
          );
        throw err;
      }
      const [organization] = await repo.listOrganizations(knex, id);
      res.status(201).json({ organization });
    }),
  );

  r.put(
    '/admin/users/:id/organization',
    route(async (req, res) => {
      const user = userOf(res);
      requireAdmin(user, 'Setting organizations');
      const body = parseBody(SetUserOrganizationRequest, req.body);
      const target = (await knex('users')
        .where({ id: req.params.id })
        .first('id', 'name', 'role')) as { id: string; name: string; role: string } | undefined;
      if (!target) throw new AppError('not_found', 'No such user.');
      if (target.role !== 'advertiser' && body.organizationId !== null)
        throw new AppError(
          'bad_request',
          `${target.name} is not an advertiser: only advertisers belong to organizations.`,
        );
      if (
        body.organizationId &&
        !(await knex('organizations').where({ id: body.organizationId }).first('id'))
      )
        throw new AppError('not_found', `No organization with id ${body.organizationId} is known.`);
      await knex.transaction(async (trx) => {
        await trx('users')
          .where({ id: target.id })
          .update({ organization_id: body.organizationId });
        await recordAudit(trx, {
          actor: user,
          action: 'user.organization_set',
          targetType: 'user',
          targetId: target.id,
          summary: body.organizationId
            ? `Put ${target.name} in organization ${body.organizationId}`
            : `Took ${target.name} out of their organization`,
          details: { organizationId: body.organizationId },
        });
      });
      await deps.accessChanged([target.id]);
      res.json({ userId: target.id, organizationId: body.organizationId });
    }),
  );

  r.get(
    '/campaigns',
    route(async (_req, res) => {
      const user = userOf(res);
      if (isStaff(user)) return res.json({ campaigns: await repo.listCampaigns(knex) });
      const org = await repo.organizationOfUser(knex, user.id);
      res.json({ campaigns: org ? await repo.listCampaigns(knex, org) : [] });
    }),
  );

  r.post(
    '/campaigns',
    route(async (req, res) => {
      const user = userOf(res);
      requireStaff(user, 'Creating campaigns');
      const body = parseBody(CreateCampaignRequest, req.body);
      if (!(await knex('organizations').where({ id: body.organizationId }).first('id')))
        throw new AppError('not_found', `No organization with id ${body.organizationId} is known.`);
      if (await repo.getCampaign(knex, body.id))
        throw new AppError('conflict', `A campaign with id ${body.id} exists already.`);
      try {
        await knex.transaction(async (trx) => {
          await repo.insertCampaign(trx, body);
          await recordAudit(trx, {
            actor: user,
            action: 'campaign.created',
            targetType: 'campaign',
            targetId: body.id,
            summary: `Created campaign ${body.name} (${body.id}) for ${body.organizationId}`,
          });
        });
      } catch (err) {
        if (isUnique(err))
          throw new AppError('conflict', `A campaign with id ${body.id} exists already.`);
        throw err;
      }
      res.status(201).json({ campaign: await repo.getCampaign(knex, body.id) });
    }),
  );

  r.get(
    '/campaigns/:id',
    route(async (req, res) => {
      const campaign = await campaignFor(knex, userOf(res), String(req.params.id));
      res.json({ campaign, bookings: await repo.bookingsOf(knex, [campaign.id]) });
    }),
  );

  r.post(
    '/bookings',
    route(async (req, res) => {
      const user = userOf(res);
      requireStaff(user, 'Booking');
      const body = parseBody(CreateBookingRequest, req.body);
      const campaign = await repo.getCampaign(knex, body.campaignId);
      if (!campaign)
        throw new AppError('not_found', `No campaign with id ${body.campaignId} is known.`);
      checkBooking(body);
      const booking = await knex.transaction(async (trx) => {
        const b = await repo.insertBooking(trx, body);
        await recordAudit(trx, {
          actor: user,
          action: 'booking.created',
          targetType: 'booking',
          targetId: b.id,
          summary: `Booked ${campaign.name} (${campaign.id}) ${b.startsOn} to ${b.endsOn} on ${describeTargets(b)}`,
          details: { ...b },
        });
        return b;
      });
      await deps.accessChanged(await repo.membersOf(knex, campaign.organizationId));
      res.status(201).json({ booking });
    }),
  );

  const change = (kind: 'edit' | 'cancel') =>
    route(async (req, res) => {
      const user = userOf(res);
      requireStaff(user, kind === 'edit' ? 'Editing bookings' : 'Cancelling bookings');
      const patch = kind === 'edit' ? parseBody(UpdateBookingRequest, req.body) : {};
      const current = await repo.getBooking(knex, String(req.params.id));
      if (!current) throw new AppError('not_found', 'No such booking.');
      if (kind === 'cancel' && current.status === 'cancelled')
        return res.json({ booking: current });
      if (current.status === 'cancelled')
        throw new AppError('conflict', 'This booking is cancelled; book again instead.');
      const next: Booking = {
        ...current,
        ...patch,
        status: kind === 'cancel' ? 'cancelled' : 'active',
      };
      if (next.screenIds.length + next.tags.length === 0)
        throw new AppError('bad_request', 'book at least one screen or tag');
      if (next.endsOn < next.startsOn)
        throw new AppError('bad_request', 'endsOn must not be before startsOn');
      if (kind === 'edit') checkBooking(next);
      const booking = await knex.transaction(async (trx) => {
        const saved = await repo.saveBooking(trx, next);
        await recordAudit(trx, {
          actor: user,
          action: kind === 'edit' ? 'booking.updated' : 'booking.cancelled',
          targetType: 'booking',
          targetId: saved.id,
          summary: `${kind === 'edit' ? 'Changed' : 'Cancelled'} booking of ${saved.campaignId} (${saved.startsOn} to ${saved.endsOn}, ${describeTargets(saved)})`,
          details: kind === 'edit' ? { ...patch } : undefined,
        });
        return saved;
      });
      await deps.accessChanged(await membersFor(booking.campaignId));
      res.json({ booking });
    });
  r.patch('/bookings/:id', change('edit'));
  r.post('/bookings/:id/cancel', change('cancel'));
  return r;
}

function describeTargets(b: Pick<Booking, 'screenIds' | 'tags'>): string {
  const parts = [];
  if (b.screenIds.length) parts.push(`${b.screenIds.length} screen(s)`);
  if (b.tags.length) parts.push(`tag(s) ${b.tags.join(', ')}`);
  return parts.join(' and ');
}
