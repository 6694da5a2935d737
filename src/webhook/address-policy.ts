import dns from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import net from 'node:net';
import { AppError } from '../errors.js';
import { isPublicAddress } from './special-addresses.js';

/** Resolves a host name to every address a connection could use. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

export interface AddressPolicyOptions {
  /** Lets requests reach loopback, private and other special addresses (tests, private networks). */
  allowPrivate: boolean;
  /** How host names are resolved: the system's resolver unless given. */
  resolve?: Resolver;
}

/** The one policy every outgoing request of the service goes through: where it may connect. */
export interface AddressPolicy {
  /**
   * Resolves a host name (or takes an IP literal, bracketed or not) the way a connection would, and returns its
   * addresses; throws INVALID_CALLBACK_URL when the name does not resolve or when any of its addresses is not public
   * (a name that resolves to both is a rebinding trick), unless private addresses are allowed.
   */
  resolve(hostname: string): Promise<LookupAddress[]>;
  /** Checks a URL before it is accepted: http or https, no credentials, and a host that resolves only to public addresses. */
  checkUrl(value: string): Promise<URL>;
}

const refuse = (url: string, reason: string, options?: { cause: unknown }) =>
  new AppError('INVALID_CALLBACK_URL', `callback_url ${JSON.stringify(url)} is not allowed: ${reason}.`, options);

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

const unbracketed = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** True for a URL host that is an IP address ([::1] included), which connects without any DNS lookup. */
export function isIpLiteral(hostname: string): boolean {
  return net.isIP(unbracketed(hostname)) !== 0;
}

/** The address policy: public addresses only (see special-addresses.ts), unless `allowPrivate`. */
export function createAddressPolicy({ allowPrivate, resolve = systemResolver }: AddressPolicyOptions): AddressPolicy {
  const lookup = async (hostname: string): Promise<LookupAddress[]> => {
    const bare = unbracketed(hostname);
    const family = net.isIP(bare);
    if (family !== 0) return [{ address: bare, family }];
    try {
      return await resolve(bare);
    } catch (error) {
      throw refuse(hostname, 'the host does not resolve', { cause: error });
    }
  };

  const policy: AddressPolicy = {
    async resolve(hostname) {
      const addresses = await lookup(hostname);
      if (addresses.length === 0) throw refuse(hostname, 'the host does not resolve');
      const blocked = addresses.filter(({ address }) => !isPublicAddress(address));
      if (!allowPrivate && blocked.length > 0) {
        const listed = blocked.map(({ address }) => address).join(', ');
        throw refuse(hostname, `it resolves to ${listed}, a loopback, private, link-local or otherwise special-purpose address`);
      }
      return addresses;
    },
    async checkUrl(value) {
      const url = parseCallbackUrl(value);
      await policy.resolve(url.hostname);
      return url;
    },
  };
  return policy;
}
