/**
 * The console API methods that go straight to the server and are never queued in the outbox:
 * people and their access (admins), the audit log, and managing conversations. Each depends on
 * what only the server knows now (who exists, who may be reached, what was done), so offline it
 * says so at once instead of waiting. What they change comes back through the change log.
 */
import type { z } from 'zod';
import type { Conversation } from '../../../protocol';
import type { ConsoleResponses, consoleRequests } from '../shared/console-api';
import { auditApi } from './audit-api';
import { serverApi } from './server-api';

type Method =
  | 'listPeople'
  | 'createUser'
  | 'updateUser'
  | 'listGrants'
  | 'grantScreens'
  | 'revokeScreens'
  | 'changeOwnPassword'
  | 'queryAudit'
  | 'exportAuditCsv'
  | 'listContacts'
  | 'createConversation'
  | 'updateConversation'
  | 'addParticipant'
  | 'removeParticipant'
  | 'sendAnnouncement';

type LiveHandlers = {
  [M in Method]: (req: z.output<(typeof consoleRequests)[M]>) => Promise<ConsoleResponses[M]>;
};

export interface LiveDeps {
  /** The signed-in session with its token (throws when signed out). */
  live(): { serverUrl: string; token: string };
  /** The same for the audit log, which refuses with its own sentence while offline. */
  auditSession(): [serverUrl: string, token: string];
  /** A REST call that needs the server now. */
  online<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Puts a changed conversation in the cache and on screen at once. */
  keep<T extends { conversation: Conversation }>(res: T): T;
}

const enc = encodeURIComponent;

export function liveHandlers(deps: LiveDeps): LiveHandlers {
  return {
    // admin-users: straight to the server (admin work is done live, never queued offline)
    listPeople: async () => {
      const { serverUrl, token } = deps.live();
      return serverApi.people(serverUrl, token);
    },
    createUser: async ({ password, ...rest }) => {
      const { serverUrl, token } = deps.live();
      return serverApi.createUser(serverUrl, token, {
        ...rest,
        ...(password ? { password } : {}),
      });
    },
    updateUser: async ({ userId, ...change }) => {
      const { serverUrl, token } = deps.live();
      return serverApi.updateUser(serverUrl, token, userId, change);
    },
    listGrants: async ({ userId }) => {
      const { serverUrl, token } = deps.live();
      return serverApi.grants(serverUrl, token, userId);
    },
    grantScreens: async (body) => {
      const { serverUrl, token } = deps.live();
      return serverApi.changeGrants(serverUrl, token, 'grant', body);
    },
    revokeScreens: async (body) => {
      const { serverUrl, token } = deps.live();
      return serverApi.changeGrants(serverUrl, token, 'revoke', body);
    },
    changeOwnPassword: async (body) => {
      const { serverUrl, token } = deps.live();
      await serverApi.changeOwnPassword(serverUrl, token, body);
      return null;
    },
    // audit: asked of the server each time (not cached), so only while live.
    queryAudit: async (params) => auditApi.query(...deps.auditSession(), params),
    exportAuditCsv: async (params) => auditApi.csv(...deps.auditSession(), params),
    // conversations
    listContacts: () => deps.online('GET', '/users'),
    createConversation: async (body) =>
      deps.keep(await deps.online('POST', '/conversations', body)),
    updateConversation: async ({ conversationId, title }) =>
      deps.keep(await deps.online('PATCH', `/conversations/${enc(conversationId)}`, { title })),
    addParticipant: async ({ conversationId, userId }) =>
      deps.keep(
        await deps.online('POST', `/conversations/${enc(conversationId)}/participants`, {
          userId,
        }),
      ),
    removeParticipant: async ({ conversationId, userId }) =>
      deps.keep(
        await deps.online(
          'DELETE',
          `/conversations/${enc(conversationId)}/participants/${enc(userId)}`,
        ),
      ),
    sendAnnouncement: (body) => deps.online('POST', '/announcements', body),
  };
}
