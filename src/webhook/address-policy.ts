import dns from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import net from 'node:net';
import { AppError } from '../errors.js';

/**
 * Ranges a callback must never reach: loopback, private, carrier-grade NAT, link-local (which holds the
 * cloud metadata endpoints 169.254.169.254 and fd00:ec2::254), multicast and reserved.
 */
const forbidden = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

/** True when the address is one a callback may be sent to. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return false;
  if (family === 6) {
    // An IPv4-mapped IPv6 address reaches the IPv4 host it embeds.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return isPublicAddress(mapped[1]!);
    return !forbidden.check(address, 'ipv6');
  }
  return !forbidden.check(address, 'ipv4');
}

const refuse = (url: string, reason: string) =>
  new AppError('INVALID_CALLBACK_URL', `callback_url ${JSON.stringify(url)} is not allowed: ${reason}.`);

/** Checks a callback URL's form: http or https, with a host and no credentials. */
export function parseCallbackUrl(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw refuse(value, 'it is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse(value, 'only http and https are supported');
  if (url.username || url.password) throw refuse(value, 'credentials in the URL are not accepted');
  return url;
}

/** True for a URL host that is an IP address ([::1] included), which connects without any DNS lookup. */
export function isIpLiteral(hostname: string): boolean {
  return net.isIP(hostname.replace(/^\[|\]$/g, '')) !== 0;
}

/**
 * Resolves a host name the way a connection would and returns its addresses, refusing the whole name
 * when any address is private (a name that resolves to both is a rebinding trick), unless `allowPrivate`.
 */
export async function resolvePublicAddresses(hostname: string, allowPrivate: boolean): Promise<LookupAddress[]> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(bare) ? [{ address: bare, family: net.isIP(bare) }] : await dns.lookup(bare, { all: true, verbatim: true });
  if (addresses.length === 0) throw refuse(hostname, 'the host does not resolve');
  const blocked = addresses.filter(({ address }) => !isPublicAddress(address));
  if (!allowPrivate && blocked.length > 0) {
    throw refuse(hostname, `it resolves to ${blocked.map(({ address }) => address).join(', ')}, a private, loopback or link-local address`);
  }
  return addresses;
}

/** Checks a callback URL at upload time: well formed, and resolving only to public addresses. */
export async function checkCallbackUrl(value: string, allowPrivate: boolean): Promise<URL> {
  const url = parseCallbackUrl(value);
  try {
    await resolvePublicAddresses(url.hostname, allowPrivate);
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw refuse(value, 'the host does not resolve');
  }
  return url;
}
