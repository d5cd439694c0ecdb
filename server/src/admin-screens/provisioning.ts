/**
 * A screen's provisioning: the agent config file and the one line that installs it.
 *
 * Decisions:
 * - The broker address is the one this server uses (MQTT_URL without the server's own login,
 *   or the embedded broker's), unless MARQUEE_DEVICE_BROKER_URL (config `deviceBrokerUrl`) names the address screens
 *   reach (a public name, mqtts://). The config carries the password so the file alone is
 *   enough; the README's env file (MARQUEE_AGENT_PASSWORD) remains the way to keep it out.
 * - `httpUrl`, where the agent uploads screenshots (HTTP, never MQTT), is MARQUEE_PUBLIC_URL
 *   (config `publicUrl`) when set, else the address the admin's console reached this server at
 *   (the request's protocol and Host; behind a proxy, `TRUST_PROXY` makes them the proxy's
 *   X-Forwarded-Proto/-Host). Written always, so uploads do not depend on the agent's own guess
 *   (the broker's host on port 4000), which is wrong behind any proxy or on another port. A
 *   request whose Host makes no URL gets none written, and the agent's guess applies.
 * - The player is the simulated one: the screen comes online at once and can be watched in
 *   the console; the operator then switches `player`/`probes`/`commands` to the real player
 *   (resources/agent/config.example.json).
 * - The install command is the agent kit's installer (dist/agent/install-linux.sh, see
 *   device-agent/README.md "Install on Linux"), run in the kit's folder beside the downloaded
 *   file: it installs the agent the first time, and otherwise replaces the config (a rotated
 *   password) and restarts the service, keeping the queue. There is no download route
 *   (`curl … | sh`): a secret must not sit behind a URL.
 */
import type { DeviceCredentials, ScreenProvisioning } from '../../../protocol';

export const AGENT_DATA_DIR = '/var/lib/marquee-agent';

export function deviceBrokerUrl(serverMqttUrl: string, override?: string): string {
  if (override) return override;
  try {
    const url = new URL(serverMqttUrl);
    url.username = '';
    url.password = '';
    return url.toString().replace(/\/$/, '');
  } catch {
    return serverMqttUrl;
  }
}

/** The HTTP address written as the agent's `httpUrl` (see the decisions above). */
export function deviceHttpUrl(
  request: { protocol: string; host: string | undefined },
  override?: string,
): string | undefined {
  if (override) return override;
  if (!request.host || (request.protocol !== 'http' && request.protocol !== 'https'))
    return undefined;
  // A host name or address and a port, nothing else: a Host header carrying a path, a login or
  // a query is not an address to hand out.
  if (!/^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/.test(request.host)) return undefined;
  try {
    return new URL(`${request.protocol}://${request.host}`).origin;
  } catch {
    return undefined;
  }
}

export function provisioningFor(
  credentials: DeviceCredentials,
  brokerUrl: string,
  httpUrl?: string,
): ScreenProvisioning {
  const screenId = credentials.username;
  const configFileName = `marquee-agent-${screenId}.json`;
  return {
    credentials,
    agentConfig: {
      screenId,
      broker: { url: brokerUrl, username: credentials.username, password: credentials.password },
      ...(httpUrl ? { httpUrl } : {}),
      dataDir: AGENT_DATA_DIR,
      telemetryIntervalMs: 10_000,
      player: { type: 'simulated' },
    },
    configFileName,
    installCommand: `sudo ./install-linux.sh --config ${configFileName}`,
  };
}
