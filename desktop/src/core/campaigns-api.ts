/**
 * Campaigns' REST calls (organizations, campaigns, bookings, delivery and its CSV) and the
 * console API methods over them. Online only: campaigns are not in the change log
 * (server/src/campaigns/README.md says why); offline the view says so.
 */
import type { z } from 'zod';
import { ConsoleError } from '../shared/console-api';
import { campaignRequests, type CampaignResponses } from '../shared/campaigns-contract';
import { request } from './server-api';

type Method = keyof typeof campaignRequests;
type Handlers = {
  [M in Method]: (req: z.output<(typeof campaignRequests)[M]>) => Promise<CampaignResponses[M]>;
};

const search = (q: { from?: number; to?: number }) => {
  const s = new URLSearchParams();
  if (q.from !== undefined) s.set('from', String(q.from));
  if (q.to !== undefined) s.set('to', String(q.to));
  return s.toString();
};

export function campaignHandlers(deps: {
  live(): { serverUrl: string; token: string };
  connected(): boolean;
}): Handlers {
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const { serverUrl, token } = deps.live();
    if (!deps.connected())
      throw new ConsoleError(
        'unavailable',
        'Campaigns need the server: they are read there, not kept on this console. They open again once the console is live.',
      );
    return request<T>(serverUrl, method, path, token, body);
  };
  const c = encodeURIComponent;
  return {
    listCampaigns: () => call('GET', '/api/campaigns'),
    getCampaign: ({ campaignId }) => call('GET', `/api/campaigns/${c(campaignId)}`),
    listOrganizations: () => call('GET', '/api/organizations'),
    createOrganization: (body) => call('POST', '/api/organizations', body),
    setUserOrganization: ({ userId, organizationId }) =>
      call('PUT', `/api/admin/users/${c(userId)}/organization`, { organizationId }),
    createCampaign: (body) => call('POST', '/api/campaigns', body),
    createBooking: (body) => call('POST', '/api/bookings', body),
    updateBooking: ({ bookingId, patch }) => call('PATCH', `/api/bookings/${c(bookingId)}`, patch),
    cancelBooking: ({ bookingId }) => call('POST', `/api/bookings/${c(bookingId)}/cancel`),
    campaignDelivery: ({ campaignId, ...q }) =>
      call('GET', `/api/campaigns/${c(campaignId)}/delivery?${search(q)}`),
    exportDeliveryCsv: async ({ campaignId, ...q }) => {
      const { serverUrl, token } = deps.live();
      const path = `/api/campaigns/${c(campaignId)}/delivery?${search(q)}&format=csv`;
      let res: Response;
      try {
        res = await fetch(new URL(path, serverUrl), {
          headers: { authorization: `Bearer ${token}` },
        });
      } catch (err) {
        throw new ConsoleError(
          'unavailable',
          `cannot reach ${serverUrl}: ${(err as Error).message}`,
        );
      }
      if (!res.ok)
        throw new ConsoleError(`http_${res.status}`, `the delivery export failed (${res.status})`);
      const filename =
        /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
        `marquee-delivery-${campaignId}.csv`;
      return { csv: await res.text(), filename };
    },
  };
}
