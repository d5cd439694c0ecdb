/**
 * Which `Host` headers the browser host answers (DNS rebinding). A page on evil.example whose
 * name is re-pointed at 127.0.0.1 reaches the host with `Host: evil.example:5180` and, being
 * same-origin with itself, would pass an Origin check: it could read the signed-in user's data
 * and act as them. So only loopback names with the host's own port are accepted, plus the names
 * the operator configures (`--allow-host`, `MARQUEE_CONSOLE_ALLOW_HOSTS`) for a host reached
 * through another name. Everything else is refused before any route or upgrade runs.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

export interface HostCheck {
  /** Whether a request with this `Host` header may be served. */
  allows(hostHeader: string | undefined): boolean;
  /** The sentence a refused request gets. */
  refusal(hostHeader: string | undefined): string;
}

/**
 * `configured`: names (`console.example`) or `name:port` pairs; a bare name is accepted with
 * the host's own port only.
 */
export function createHostCheck(port: number, configured: readonly string[] = []): HostCheck {
  const allowed = new Set<string>();
  for (const name of LOOPBACK_NAMES) allowed.add(`${name}:${port}`);
  for (const raw of configured) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    allowed.add(/:\d+$/.test(entry) && !entry.endsWith(']') ? entry : `${entry}:${port}`);
  }
  return {
    allows: (hostHeader) => hostHeader !== undefined && allowed.has(hostHeader.toLowerCase()),
    refusal: (hostHeader) =>
      `This console answers only at ${[...allowed].map((h) => `http://${h}`).join(', ')}, not at ${
        hostHeader ? `http://${hostHeader}` : 'an address without a Host header'
      }. To reach it through another name, start it with --allow-host <name>.`,
  };
}

/** `--allow-host a,b` / `MARQUEE_CONSOLE_ALLOW_HOSTS=a,b` → ['a', 'b']. */
export function parseAllowHosts(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
