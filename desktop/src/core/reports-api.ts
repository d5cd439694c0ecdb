/**
 * Reports' REST calls (GET /api/reports/uptime, JSON and CSV) and the console API methods over
 * them. Online only: a report is computed on the server from its state history, which the
 * console does not keep (server/src/reports/README.md).
 */
import type { z } from 'zod';
import type { UptimeReport } from '../../../protocol';
import { ConsoleError, type ConsoleResponses, type consoleRequests } from '../shared/console-api';
import { request } from './server-api';

/** A 400-day report over a large fleet takes a while; the CSV is the same computation. */
const TIMEOUT_MS = 60_000;

export type UptimeParams = Partial<
  Record<'tag' | 'screenId', string> & Record<'from' | 'to', number>
>;

export function uptimeSearch(params: UptimeParams): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params))
    if (v !== undefined && v !== '') search.set(k, String(v));
  return search.toString();
}

async function fetchCsv(
  serverUrl: string,
  token: string,
  path: string,
  fallbackName: string,
): Promise<{ csv: string; filename: string }> {
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
    /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  return { csv: await res.text(), filename };
}

export const reportsApi = {
  uptime: (serverUrl: string, token: string, params: UptimeParams) =>
    request<UptimeReport>(serverUrl, 'GET', `/api/reports/uptime?${uptimeSearch(params)}`, token),
  uptimeCsv: (serverUrl: string, token: string, params: UptimeParams) =>
    fetchCsv(
      serverUrl,
      token,
      `/api/reports/uptime?${uptimeSearch(params)}&format=csv`,
      'marquee-uptime.csv',
    ),
};

type Method = 'uptimeReport' | 'exportUptimeCsv';
type ReportsHandlers = {
  [M in Method]: (req: z.output<(typeof consoleRequests)[M]>) => Promise<ConsoleResponses[M]>;
};

export interface ReportsDeps {
  /** The signed-in session with its token (throws when signed out). */
  live(): { serverUrl: string; token: string };
  /** Whether the server answers now. */
  connected(): boolean;
}

export function reportsHandlers(deps: ReportsDeps): ReportsHandlers {
  const session = (): [string, string] => {
    const { serverUrl, token } = deps.live();
    if (!deps.connected())
      throw new ConsoleError('unavailable', 'reports: console not live (computed on the server)');
    return [serverUrl, token];
  };
  return {
    uptimeReport: async (params) => reportsApi.uptime(...session(), params),
    exportUptimeCsv: async (params) => reportsApi.uptimeCsv(...session(), params),
  };
}
