/**
 * Uploads one image to the server over HTTP (never MQTT), with this device's own credentials:
 * HTTP Basic with the screen id (or broker.username) and the broker password.
 */
import {
  ScreenshotUploadResponse,
  screenshotPaths,
  type ScreenshotMeta,
  type ScreenshotMime,
  type ScreenshotTrigger,
} from '../../../protocol';
import type { AgentConfig } from '../config';

/** The server's default PORT, for the address derived from the broker's. */
const DEFAULT_SERVER_PORT = 4000;

/**
 * `httpUrl` when configured; otherwise the broker's host on the server's default port, over
 * https when the broker link is encrypted (mqtts://, wss://) and http otherwise.
 */
export function serverHttpUrl(config: AgentConfig): string {
  if (config.httpUrl) return config.httpUrl.replace(/\/$/, '');
  const broker = new URL(config.broker.url);
  const secure = broker.protocol === 'mqtts:' || broker.protocol === 'wss:';
  return `${secure ? 'https' : 'http'}://${broker.hostname.includes(':') ? `[${broker.hostname}]` : broker.hostname}:${DEFAULT_SERVER_PORT}`;
}

export interface UploadInput {
  mime: ScreenshotMime;
  data: Buffer;
  capturedAt: number;
  trigger: ScreenshotTrigger;
  commandId?: string;
}

export async function uploadScreenshot(
  config: AgentConfig,
  input: UploadInput,
  signal?: AbortSignal,
): Promise<ScreenshotMeta> {
  const password = config.broker.password;
  if (!password) throw new Error('screenshots need the device password (broker.password)');
  const username = config.broker.username ?? config.screenId;
  const url = `${serverHttpUrl(config)}${screenshotPaths.upload(config.screenId)}`;
  const timeout = AbortSignal.timeout(config.screenshots.uploadTimeoutMs);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
        'content-type': input.mime,
        'x-captured-at': String(input.capturedAt),
        'x-screenshot-trigger': input.trigger,
        ...(input.commandId ? { 'x-command-id': input.commandId } : {}),
      },
      body: new Blob([new Uint8Array(input.data)]),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    throw new Error(`screenshot upload to ${url} failed: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // reported below
  }
  if (!res.ok) {
    const message = (json as { error?: { message?: string } } | null)?.error?.message;
    throw new Error(
      `the server refused the screenshot (${res.status}): ${message ?? text.slice(0, 200)}`,
    );
  }
  const parsed = ScreenshotUploadResponse.safeParse(json);
  if (!parsed.success) throw new Error(`the server's answer to the upload is not a screenshot`);
  return parsed.data.screenshot;
}
