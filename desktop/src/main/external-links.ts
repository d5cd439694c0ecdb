/**
 * Which links the console hands to the system (browser, mail program). `shell.openExternal`
 * with an arbitrary URL can start any registered protocol handler on the machine
 * (`file:`, `smb:`, custom app schemes), so only https to hosts on an allow-list, and plain
 * `mailto:` addresses, are ever opened; everything else is refused and logged.
 *
 * Electron-free on purpose: the rules are tested in Node.
 */

export interface LinkPolicy {
  /** Exact host names, or `*.example.com` for a domain and its subdomains. */
  allowedHosts: readonly string[];
  allowMailto: boolean;
}

export type LinkVerdict = { allowed: true; url: string } | { allowed: false; reason: string };

/**
 * The allow-list: the hosts in `MARQUEE_LINK_HOSTS` (comma-separated) and the host of the
 * configured server when it is on https (its own pages, e.g. a screenshot or a report).
 */
export function linkPolicyFrom(env: NodeJS.ProcessEnv, serverUrl: string | undefined): LinkPolicy {
  const hosts = (env.MARQUEE_LINK_HOSTS ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h.length > 0);
  if (serverUrl) {
    try {
      const server = new URL(serverUrl);
      if (server.protocol === 'https:') hosts.push(server.hostname.toLowerCase());
    } catch {
      // An unparsable server URL adds nothing; the settings schema reports it elsewhere.
    }
  }
  return { allowedHosts: [...new Set(hosts)], allowMailto: env.MARQUEE_LINK_MAILTO !== '0' };
}

function hostAllowed(host: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) =>
    entry.startsWith('*.')
      ? host === entry.slice(2) || host.endsWith(entry.slice(1))
      : host === entry,
  );
}

const MAILTO = /^mailto:[^\s@/?#:]+@[^\s@/?#:]+(\?[^\s]*)?$/i;

export function externalLinkVerdict(url: string, policy: LinkPolicy): LinkVerdict {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { allowed: false, reason: 'not a URL' };
  }
  if (parsed.protocol === 'mailto:') {
    if (!policy.allowMailto) return { allowed: false, reason: 'mailto links are turned off' };
    return MAILTO.test(url)
      ? { allowed: true, url: parsed.href }
      : { allowed: false, reason: 'not a plain e-mail address' };
  }
  if (parsed.protocol !== 'https:') {
    return { allowed: false, reason: `${parsed.protocol} links are never opened` };
  }
  if (parsed.username || parsed.password) {
    return { allowed: false, reason: 'links with credentials are never opened' };
  }
  const host = parsed.hostname.toLowerCase();
  if (!hostAllowed(host, policy.allowedHosts)) {
    return { allowed: false, reason: `${host} is not on the link allow-list (MARQUEE_LINK_HOSTS)` };
  }
  return { allowed: true, url: parsed.href };
}

/** Opens the link when the policy allows it; says why not otherwise. */
export async function openExternalLink(
  url: string,
  policy: LinkPolicy,
  open: (url: string) => Promise<void>,
  log: (line: string) => void,
): Promise<boolean> {
  const verdict = externalLinkVerdict(url, policy);
  if (!verdict.allowed) {
    log(`[marquee] link not opened: ${verdict.reason}`);
    return false;
  }
  await open(verdict.url);
  return true;
}
