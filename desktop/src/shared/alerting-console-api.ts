/**
 * Alerting's part of the console API (issue 14): routes, on-call groups, webhooks, people's
 * contacts, one's own hours, the delivery log. Bodies are checked by the server against
 * protocol/alerting.ts, which words each refusal as the sentence the form shows; here only
 * their outline is checked (IPC is a boundary too).
 */
import { z } from 'zod';
import type {
  AlertRoute,
  AlertingStatus,
  DeliveryLogPage,
  OnCallGroup,
  PersonContact,
  Webhook,
} from '../../../protocol';
import { DELIVERY_PAGE_MAX, DeliveryStatus } from '../../../protocol';

const id = z.string().min(1).max(64);
const body = z.record(z.string(), z.unknown());

export const alertingRequests = {
  alertingStatus: z.object({}).strict(),
  alertingListRoutes: z.object({}).strict(),
  /** No id: a new route. */
  alertingSaveRoute: z.object({ id: id.optional(), route: body }).strict(),
  alertingDeleteRoute: z.object({ id }).strict(),
  alertingListGroups: z.object({}).strict(),
  alertingSaveGroup: z.object({ id: id.optional(), group: body }).strict(),
  alertingDeleteGroup: z.object({ id }).strict(),
  alertingListWebhooks: z.object({}).strict(),
  alertingSaveWebhook: z.object({ id: id.optional(), webhook: body }).strict(),
  alertingDeleteWebhook: z.object({ id }).strict(),
  alertingListContacts: z.object({}).strict(),
  alertingSaveContact: z.object({ userId: id, contact: body }).strict(),
  alertingMySchedule: z.object({}).strict(),
  alertingSaveMySchedule: z.object({ schedule: body }).strict(),
  alertingDeliveries: z
    .object({
      alarmId: z.string().max(64).optional(),
      userId: z.string().max(64).optional(),
      status: DeliveryStatus.optional(),
      before: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(DELIVERY_PAGE_MAX).optional(),
    })
    .strict(),
} as const;

export interface AlertingResponses {
  alertingStatus: AlertingStatus;
  alertingListRoutes: { routes: AlertRoute[] };
  alertingSaveRoute: { route: AlertRoute };
  alertingDeleteRoute: { deleted: string };
  alertingListGroups: { groups: OnCallGroup[] };
  alertingSaveGroup: { group: OnCallGroup };
  alertingDeleteGroup: { deleted: string };
  alertingListWebhooks: { webhooks: Webhook[] };
  alertingSaveWebhook: { webhook: Webhook };
  alertingDeleteWebhook: { deleted: string };
  alertingListContacts: { contacts: PersonContact[] };
  alertingSaveContact: { contact: PersonContact };
  alertingMySchedule: { contact: PersonContact };
  alertingSaveMySchedule: { contact: PersonContact };
  alertingDeliveries: DeliveryLogPage;
}
