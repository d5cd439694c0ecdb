/**
 * The console API's campaign methods: request schemas and answers (core/campaigns-api.ts
 * carries them out). Kept apart from console-api.ts so neither imports the other's module.
 */
import { z } from 'zod';
import {
  CreateBookingRequest,
  CreateCampaignRequest,
  CreateOrganizationRequest,
  UpdateBookingRequest,
  type Booking,
  type Campaign,
  type CampaignDetail,
  type CampaignList,
  type DeliveryReport,
  type Organization,
  type OrganizationList,
} from '../../../protocol';

const id = z.string().min(1).max(128);
const range = {
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
};

/** Request schemas, merged into consoleRequests (shared/console-api.ts). */
export const campaignRequests = {
  listCampaigns: z.object({}).strict(),
  getCampaign: z.object({ campaignId: id }).strict(),
  listOrganizations: z.object({}).strict(),
  createOrganization: CreateOrganizationRequest,
  setUserOrganization: z.object({ userId: id, organizationId: id.nullable() }).strict(),
  createCampaign: CreateCampaignRequest,
  createBooking: CreateBookingRequest,
  updateBooking: z.object({ bookingId: id, patch: UpdateBookingRequest }).strict(),
  cancelBooking: z.object({ bookingId: id }).strict(),
  campaignDelivery: z.object({ campaignId: id, ...range }).strict(),
  exportDeliveryCsv: z.object({ campaignId: id, ...range }).strict(),
} as const;

export interface CampaignResponses {
  listCampaigns: CampaignList;
  getCampaign: CampaignDetail;
  listOrganizations: OrganizationList;
  createOrganization: { organization: Organization };
  setUserOrganization: { userId: string; organizationId: string | null };
  createCampaign: { campaign: Campaign };
  createBooking: { booking: Booking };
  updateBooking: { booking: Booking };
  cancelBooking: { booking: Booking };
  campaignDelivery: DeliveryReport;
  exportDeliveryCsv: { csv: string; filename: string };
}
