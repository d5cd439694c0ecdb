/**
 * The console API's alarm rules and maintenance windows (issue 14): REST calls to
 * /api/alarm-rules. Online only, like the audit log: rules are configuration the server
 * applies, read where they are kept (server/src/alarms/README.md says why they are not in the
 * change log); offline the view says so instead of showing a stale copy an admin might edit.
 */
import type { z } from 'zod';
import type { ConsoleResponses, consoleRequests } from '../shared/console-api';

type Method =
  | 'listAlarmRules'
  | 'putAlarmRule'
  | 'deleteAlarmRule'
  | 'listMaintenance'
  | 'putMaintenance'
  | 'endMaintenance';

type AlarmRulesHandlers = {
  [M in Method]: (req: z.output<(typeof consoleRequests)[M]>) => Promise<ConsoleResponses[M]>;
};

/** A REST call that needs the server now (throws while the console is not live). */
export type OnlineCall = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const at = (scope: string, target: string) => `/${scope}/${encodeURIComponent(target)}`;

export function alarmRulesHandlers(online: OnlineCall): AlarmRulesHandlers {
  return {
    listAlarmRules: () => online('GET', '/alarm-rules'),
    putAlarmRule: ({ scope, target, settings }) =>
      online('PUT', `/alarm-rules${at(scope, target)}`, settings),
    deleteAlarmRule: ({ scope, target }) => online('DELETE', `/alarm-rules${at(scope, target)}`),
    listMaintenance: () => online('GET', '/alarm-rules/maintenance'),
    putMaintenance: ({ scope, target, ...window }) =>
      online('PUT', `/alarm-rules/maintenance${at(scope, target)}`, window),
    endMaintenance: ({ scope, target }) =>
      online('DELETE', `/alarm-rules/maintenance${at(scope, target)}`),
  };
}
