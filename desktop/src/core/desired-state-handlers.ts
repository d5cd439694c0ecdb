/**
 * The console API's desired state (issue 13): REST calls to /api/screens/:id/desired and
 * /api/tags/:tag/desired. Live only, never queued in the outbox: a desired state is a standing
 * setting whose effect the operator checks at once (does the screen follow it? drift?), and a
 * blind offline edit could undo another operator's. What changes comes back with the screen
 * through the change log (`screen.desired`).
 */
import type { z } from 'zod';
import type { ConsoleResponses, consoleRequests } from '../shared/console-api';

type Method =
  'getScreenDesired' | 'setScreenDesired' | 'listTagDesired' | 'setTagDesired' | 'clearTagDesired';

type DesiredStateHandlers = {
  [M in Method]: (req: z.output<(typeof consoleRequests)[M]>) => Promise<ConsoleResponses[M]>;
};

/** A REST call that needs the server now (console-core's `online`). */
type Online = <T>(method: string, path: string, body?: unknown) => Promise<T>;

const enc = encodeURIComponent;

export function desiredStateHandlers(online: Online): DesiredStateHandlers {
  return {
    getScreenDesired: ({ screenId }) => online('GET', `/screens/${enc(screenId)}/desired`),
    setScreenDesired: ({ screenId, spec }) =>
      online('PUT', `/screens/${enc(screenId)}/desired`, spec),
    listTagDesired: () => online('GET', '/tags/desired'),
    setTagDesired: ({ tag, spec }) => online('PUT', `/tags/${enc(tag)}/desired`, spec),
    clearTagDesired: ({ tag }) => online('DELETE', `/tags/${enc(tag)}/desired`),
  };
}
