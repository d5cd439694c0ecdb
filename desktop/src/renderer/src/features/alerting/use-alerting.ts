/**
 * The Alerting view's data, asked of the server while the view is open and again after each
 * change made here. Routes, groups, webhooks and contacts are admin settings, read live rather
 * than replicated into the console cache (like People and the audit log).
 */
import { useCallback, useEffect, useState } from 'react';
import type {
  AlertRoute,
  AlertingStatus,
  OnCallGroup,
  PersonContact,
  Webhook,
} from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';

export interface AlertingData {
  status: AlertingStatus | null;
  routes: AlertRoute[];
  groups: OnCallGroup[];
  webhooks: Webhook[];
  contacts: PersonContact[];
}

export const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export function useAlerting(): {
  data: AlertingData | null;
  error: string | null;
  reload: () => Promise<void>;
} {
  const [data, setData] = useState<AlertingData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const [status, routes, groups, webhooks, contacts] = await Promise.all([
        consoleApi.alertingStatus({}),
        consoleApi.alertingListRoutes({}),
        consoleApi.alertingListGroups({}),
        consoleApi.alertingListWebhooks({}),
        consoleApi.alertingListContacts({}),
      ]);
      setData({
        status,
        routes: routes.routes,
        groups: groups.groups,
        webhooks: webhooks.webhooks,
        contacts: contacts.contacts,
      });
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload };
}

/** "a, b , c" → ['a', 'b', 'c'] */
export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
