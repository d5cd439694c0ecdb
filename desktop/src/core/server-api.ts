/** REST calls the console makes besides the socket: sign-in, history, older messages. */
import type {
  AdminCreateUserRequest,
  AdminCreateUserResponse,
  AdminUpdateUserRequest,
  AdminUpdateUserResponse,
  GrantsResponse,
  LoginResponse,
  Message,
  PeopleResponse,
  ScreenHistoryResponse,
} from '../../../protocol';
import { ConsoleError } from '../shared/console-api';

const TIMEOUT_MS = 10_000;

export async function request<T>(
  serverUrl: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(new URL(path, serverUrl), {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new ConsoleError('unavailable', `cannot reach ${serverUrl}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    throw new ConsoleError(
      'bad_response',
      `${serverUrl} answered ${res.status} with something that is not Marquee JSON`,
    );
  }
  if (!res.ok) {
    const err = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ConsoleError(
      err?.code ?? `http_${res.status}`,
      err?.message ?? `${method} ${path} failed with ${res.status}`,
    );
  }
  return json as T;
}

export const serverApi = {
  login: (serverUrl: string, email: string, password: string) =>
    request<LoginResponse>(serverUrl, 'POST', '/api/auth/login', null, { email, password }),
  logout: (serverUrl: string, token: string) =>
    request<null>(serverUrl, 'POST', '/api/auth/logout', token, {}),
  screenHistory: (serverUrl: string, token: string, screenId: string) =>
    request<ScreenHistoryResponse>(
      serverUrl,
      'GET',
      `/api/screens/${encodeURIComponent(screenId)}/history`,
      token,
    ),
  messagesBefore: (
    serverUrl: string,
    token: string,
    conversationId: string,
    beforeSeq: number | undefined,
    limit: number,
  ) =>
    request<{ messages: Message[]; hasMore?: boolean }>(
      serverUrl,
      'GET',
      `/api/conversations/${encodeURIComponent(conversationId)}/messages?limit=${limit}${beforeSeq ? `&beforeSeq=${beforeSeq}` : ''}`,
      token,
    ),
  // conversations
  rest: <T>(serverUrl: string, token: string, method: string, path: string, body?: unknown) =>
    request<T>(serverUrl, method, `/api${path}`, token, body),
  health: (serverUrl: string) => request<{ ok: boolean }>(serverUrl, 'GET', '/healthz', null),
  // admin-screens
  adminScreens: (
    serverUrl: string,
    token: string | null,
    method: 'POST' | 'PATCH',
    path: string,
    body: unknown = {},
  ) => request<unknown>(serverUrl, method, `/api/admin/screens${path}`, token, body),
  // admin-users
  people: (serverUrl: string, token: string) =>
    request<PeopleResponse>(serverUrl, 'GET', '/api/admin/people', token),
  createUser: (serverUrl: string, token: string, body: AdminCreateUserRequest) =>
    request<AdminCreateUserResponse>(serverUrl, 'POST', '/api/users', token, body),
  updateUser: (serverUrl: string, token: string, userId: string, body: AdminUpdateUserRequest) =>
    request<AdminUpdateUserResponse>(
      serverUrl,
      'PATCH',
      `/api/users/${encodeURIComponent(userId)}`,
      token,
      body,
    ),
  grants: (serverUrl: string, token: string, userId: string) =>
    request<GrantsResponse>(
      serverUrl,
      'GET',
      `/api/admin/grants?userId=${encodeURIComponent(userId)}`,
      token,
    ),
  changeGrants: (
    serverUrl: string,
    token: string,
    verb: 'grant' | 'revoke',
    body: { userId: string; screenIds: string[] },
  ) =>
    request<GrantsResponse>(
      serverUrl,
      'POST',
      verb === 'grant' ? '/api/admin/grants' : '/api/admin/grants/revoke',
      token,
      body,
    ),
  changeOwnPassword: (
    serverUrl: string,
    token: string,
    body: { currentPassword: string; newPassword: string },
  ) => request<null>(serverUrl, 'POST', '/api/me/password', token, body),
};
