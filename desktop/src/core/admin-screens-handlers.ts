/**
 * The console API's screens administration (admins): REST calls to /api/admin/screens. They
 * need the server (nothing is queued offline: a registration's secret is shown by the answer,
 * and an edit made blind could undo another admin's). The screens they change come back
 * through the change log like every screen change, on this console and every other.
 */
import type { z } from 'zod';
import type { User } from '../../../protocol';
import type { ConsoleResponses, consoleRequests } from '../shared/console-api';
import { serverApi } from './server-api';

type Method =
  | 'registerScreen'
  | 'editScreen'
  | 'retireScreen'
  | 'restoreScreen'
  | 'rotateScreenCredentials'
  | 'importScreens';

type AdminScreensHandlers = {
  [M in Method]: (req: z.output<(typeof consoleRequests)[M]>) => Promise<ConsoleResponses[M]>;
};

const path = (screenId: string, action = '') => `/${encodeURIComponent(screenId)}${action}`;

export function adminScreensHandlers(
  session: () => { user: User; serverUrl: string; token: string | null },
): AdminScreensHandlers {
  const call = async <T>(method: 'POST' | 'PATCH', to: string, body?: unknown): Promise<T> => {
    const { serverUrl, token } = session();
    return (await serverApi.adminScreens(serverUrl, token, method, to, body)) as T;
  };
  return {
    registerScreen: ({ screen }) => call('POST', '', screen),
    editScreen: ({ screenId, changes }) => call('PATCH', path(screenId), changes),
    retireScreen: ({ screenId }) => call('POST', path(screenId, '/retire')),
    restoreScreen: ({ screenId }) => call('POST', path(screenId, '/restore')),
    rotateScreenCredentials: ({ screenId }) => call('POST', path(screenId, '/rotate')),
    importScreens: ({ csv }) => call('POST', '/import', { csv }),
  };
}
