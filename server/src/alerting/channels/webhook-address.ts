/**
 * Where a webhook may point. http and https only. Loopback, private, link-local, carrier-grade
 * NAT, multicast and unspecified addresses are refused unless MARQUEE_WEBHOOKS_ALLOW_PRIVATE=1:
 * an admin's webhook must not become a way to make the server call the database's admin port
 * or a cloud metadata service (169.254.169.254). Checked when a webhook is saved (literal
 * addresses, `localhost`) and again before each send, on the addresses the name resolves to.
 * Redirects are not followed (a public URL could redirect inward).
 */
import dns from 'node:dns/promises';
import net from 'node:net';

const blocked = new net.BlockList();
for (const [a, p] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  blocked.addSubnet(a, p, 'ipv4');
for (const [a, p] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  blocked.addSubnet(a, p, 'ipv6');

export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1]!, 'ipv4');
  const family = net.isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family === 6) return blocked.check(address, 'ipv6');
  return false;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, '');

/** At save time: a sentence when the URL names a private address outright, else null. */
export function refuseLiteralPrivate(rawUrl: string, allowPrivate: boolean): string | null {
  if (allowPrivate) return null;
  const host = hostOf(new URL(rawUrl)).toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || isPrivateAddress(host))
    return `${host} is a loopback or private address; webhooks reach public addresses only (MARQUEE_WEBHOOKS_ALLOW_PRIVATE=1 allows private ones)`;
  return null;
}

/** Before a send: a sentence when the name resolves to a private address, else null. */
export async function refuseResolvedPrivate(
  rawUrl: string,
  allowPrivate: boolean,
): Promise<string | null> {
  if (allowPrivate) return null;
  const literal = refuseLiteralPrivate(rawUrl, false);
  if (literal) return literal;
  const host = hostOf(new URL(rawUrl));
  if (net.isIP(host)) return null;
  const addresses = await dns.lookup(host, { all: true });
  const bad = addresses.find((a) => isPrivateAddress(a.address));
  return bad
    ? `${host} resolves to ${bad.address}, a private address; webhooks reach public addresses only`
    : null;
}
