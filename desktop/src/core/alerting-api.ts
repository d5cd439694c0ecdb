/**
 * Alerting's console API methods: straight to the server (`/api/alerting/...`), never queued:
 * setting up who is alerted is admin work done live, and the delivery log is read where it is
 * kept. Offline they say so at once.
 */
import type { z } from 'zod';
import type { AlertingResponses, alertingRequests } from '../shared/alerting-console-api';

type Handlers = {
  [M in keyof AlertingResponses]: (
    req: z.output<(typeof alertingRequests)[M]>,
  ) => Promise<AlertingResponses[M]>;
};

type Online = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const enc = encodeURIComponent;

export function alertingHandlers(online: Online): Handlers {
  const save = <T>(what: string, id: string | undefined, body: unknown) =>
    id
      ? online<T>('PUT', `/alerting/${what}/${enc(id)}`, body)
      : online<T>('POST', `/alerting/${what}`, body);
  return {
    alertingStatus: () => online('GET', '/alerting/status'),
    alertingListRoutes: () => online('GET', '/alerting/routes'),
    alertingSaveRoute: ({ id, route }) => save('routes', id, route),
    alertingDeleteRoute: ({ id }) => online('DELETE', `/alerting/routes/${enc(id)}`),
    alertingListGroups: () => online('GET', '/alerting/groups'),
    alertingSaveGroup: ({ id, group }) => save('groups', id, group),
    alertingDeleteGroup: ({ id }) => online('DELETE', `/alerting/groups/${enc(id)}`),
    alertingListWebhooks: () => online('GET', '/alerting/webhooks'),
    alertingSaveWebhook: ({ id, webhook }) => save('webhooks', id, webhook),
    alertingDeleteWebhook: ({ id }) => online('DELETE', `/alerting/webhooks/${enc(id)}`),
    alertingListContacts: () => online('GET', '/alerting/contacts'),
    alertingSaveContact: ({ userId, contact }) =>
      online('PUT', `/alerting/contacts/${enc(userId)}`, contact),
    alertingMySchedule: () => online('GET', '/alerting/me'),
    alertingSaveMySchedule: ({ schedule }) => online('PUT', '/alerting/me', schedule),
    alertingDeliveries: (q) => {
      const search = new URLSearchParams();
      for (const [k, v] of Object.entries(q))
        if (v !== undefined && v !== '') search.set(k, String(v));
      return online('GET', `/alerting/deliveries?${search.toString()}`);
    },
  };
}
