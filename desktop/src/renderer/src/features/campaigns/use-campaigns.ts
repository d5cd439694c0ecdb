/** The campaigns list (and organizations), asked when the view opens, goes live or changes. */
import { useCallback, useEffect, useState } from 'react';
import type { Campaign, Organization } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function useCampaigns(live: boolean) {
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [organizations, setOrganizations] = useState<Organization[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  useEffect(() => {
    if (!live) return;
    Promise.all([consoleApi.listCampaigns({}), consoleApi.listOrganizations({})])
      .then(([c, o]) => {
        setCampaigns(c.campaigns);
        setOrganizations(o.organizations);
        setError(null);
      })
      .catch((e: unknown) => setError(message(e)));
  }, [live, generation]);
  return { campaigns, organizations, error, reload };
}
