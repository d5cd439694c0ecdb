/**
 * The audit log's REST calls (GET /api/audit, JSON and CSV). Online only: the log is searched
 * where it is kept (server/src/audit/audit-log.ts says why it is not in the console cache).
 */
import type { AuditPage } from '../../../protocol';
import { ConsoleError } from '../shared/console-api';
import { request } from './server-api';

const TIMEOUT_MS = 30_000;

export type AuditParams = Partial<
  Record<'q' | 'actor' | 'action' | 'targetType' | 'targetId', string> &
    Record<'from' | 'to' | 'before' | 'limit', number>
>;

export function auditSearch(params: AuditParams): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '') search.set(k, String(v));
  return search.toString();
}

export const auditApi = {
  query: (serverUrl: string, token: string, params: AuditParams) =>
    request<AuditPage>(serverUrl, 'GET', `/api/audit?${auditSearch(params)}`, token),

  /** The CSV as text; errors are the server's JSON errors, as `request` reports them. */
  async csv(
    serverUrl: string,
    token: string,
    params: AuditParams,
  ): Promise<{ csv: string; filename: string }> {
    const path = `/api/audit?${auditSearch(params)}&format=csv`;
    let res: Response;
    try {
      res = await fetch(new URL(path, serverUrl), {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      throw new ConsoleError('unavailable', `cannot reach ${serverUrl}: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const text = await res.text();
      let error: { code?: string; message?: string } | undefined;
      try {
        error = (JSON.parse(text) as { error?: typeof error }).error;
      } catch {
        error = undefined;
      }
      throw new ConsoleError(
        error?.code ?? `http_${res.status}`,
        error?.message ?? `GET ${path} failed with ${res.status}`,
      );
    }
    const filename =
      /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ??
      'marquee-audit.csv';
    return { csv: await res.text(), filename };
  },
};
