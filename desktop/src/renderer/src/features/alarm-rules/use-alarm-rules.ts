/** The Alarm rules view's data: the rules, the defaults and the maintenance windows, from the server. */
import { useCallback, useEffect, useState } from 'react';
import type { AlarmRulesResponse, MaintenanceWindow } from '../../../../../../protocol';
import { consoleApi } from '../../../console-api-client';
import { refreshMaintenance } from './use-maintenance';

export const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export interface AlarmRulesState {
  data: AlarmRulesResponse | null;
  windows: MaintenanceWindow[];
  error: string | null;
  loading: boolean;
  reload(): void;
}

export function useAlarmRules(live: boolean): AlarmRulesState {
  const [data, setData] = useState<AlarmRulesResponse | null>(null);
  const [windows, setWindows] = useState<MaintenanceWindow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    if (!live) return;
    let stale = false;
    setLoading(true);
    Promise.all([consoleApi.listAlarmRules({}), consoleApi.listMaintenance({})])
      .then(([rules, maintenance]) => {
        if (stale) return;
        setData(rules);
        setWindows(maintenance.windows);
        setError(null);
      })
      .catch((e: unknown) => !stale && setError(message(e)))
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [live, generation]);

  const reload = useCallback(() => {
    setGeneration((g) => g + 1);
    refreshMaintenance();
  }, []);
  return { data, windows, error, loading, reload };
}
