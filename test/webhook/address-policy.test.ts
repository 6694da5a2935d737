import dns from 'node:dns/promises';
import { describe, expect, it } from 'vitest';
import { createAddressPolicy, type Resolver } from '../../src/webhook/address-policy.js';
import { isPublicAddress } from '../../src/webhook/special-addresses.js';

/** Names of a test zone, each resolving to the addresses given; any other name goes to the system's resolver (localhost). */
const ZONE: Record<string, string[]> = {
  'loopback.test': ['127.0.0.1'],
  'metadata.test': ['169.254.169.254'],
  'private.test': ['10.1.2.3'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'nat64.test': ['64:ff9b::7f00:1'],
  'sixtofour.test': ['2002:c0a8:101::1'],
  'teredo.test': ['2001:0:4136:e378:8000:63bf:80ff:fffe'],
  'ula.test': ['fd00:ec2::254'],
  // One public and one private answer: a rebinding trick, refused as a whole.
  'rebinding.test': ['93.184.216.34', '10.0.0.1'],
  'public.test': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
};

const resolve: Resolver = async (hostname) => {
  const addresses = ZONE[hostname];
  if (!addresses) return dns.lookup(hostname, { all: true, verbatim: true });
  return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

const policy = createAddressPolicy({ allowPrivate: false, resolve });

describe('the address policy refuses every callback that reaches a non-public address', () => {
  const refused: Array<[string, string]> = [
    // IPv4 special-purpose registry, and multicast
    ['"this network"', 'http://0.0.0.0/hook'],
    ['"this network", not zero', 'http://0.1.2.3/hook'],
    ['private 10/8', 'http://10.0.0.1/hook'],
    ['shared address space (CGN)', 'http://100.64.0.1/hook'],
    ['loopback', 'http://127.0.0.1:9000/hook'],
    ['loopback, the top of 127/8', 'http://127.255.255.254/hook'],
    ['loopback as a decimal number', 'http://2130706433/hook'],
    ['loopback in short hex', 'http://0x7f.1/hook'],
    ['link-local cloud metadata', 'http://169.254.169.254/latest/meta-data'],
    ['private 172.16/12', 'http://172.16.0.1/hook'],
    ['private 172.16/12, its top', 'http://172.31.255.255/hook'],
    ['IETF protocol assignments (NAT64 discovery)', 'http://192.0.0.170/hook'],
    ['TEST-NET-1', 'http://192.0.2.1/hook'],
    ['AS112', 'http://192.31.196.1/hook'],
    ['AMT', 'http://192.52.193.1/hook'],
    ['6to4 relay anycast', 'http://192.88.99.1/hook'],
    ['private 192.168/16', 'https://192.168.1.1/hook'],
    ['AS112 direct delegation', 'http://192.175.48.1/hook'],
    ['benchmarking', 'http://198.18.0.1/hook'],
    ['TEST-NET-2', 'http://198.51.100.1/hook'],
    ['TEST-NET-3', 'http://203.0.113.1/hook'],
    ['multicast', 'http://224.0.0.1/hook'],
    ['multicast SSDP', 'http://239.255.255.250/hook'],
    ['reserved 240/4', 'http://240.0.0.1/hook'],
    ['limited broadcast', 'http://255.255.255.255/hook'],
    // IPv6 special-purpose registry, and everything outside global unicast
    ['unspecified', 'http://[::]/hook'],
    ['loopback', 'http://[::1]:8080/hook'],
    ['link-local', 'http://[fe80::1]/hook'],
    ['unique local', 'http://[fc00::1]/hook'],
    ['unique local cloud metadata', 'http://[fd00:ec2::254]/hook'],
    ['site-local (deprecated)', 'http://[fec0::1]/hook'],
    ['multicast', 'http://[ff02::1]/hook'],
    ['discard-only', 'http://[100::1]/hook'],
    ['documentation 2001:db8::/32', 'http://[2001:db8::1]/hook'],
    ['documentation 3fff::/20', 'http://[3fff::1]/hook'],
    ['benchmarking', 'http://[2001:2::1]/hook'],
    ['ORCHIDv2', 'http://[2001:20::1]/hook'],
    ['AS112-v6 direct delegation', 'http://[2620:4f:8000::1]/hook'],
    ['SRv6 identifiers', 'http://[5f00::1]/hook'],
    // IPv6 forms that embed or map an IPv4 address
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
    ['IPv4-mapped loopback in hex', 'http://[::ffff:7f00:1]/hook'],
    ['IPv4-mapped metadata', 'http://[::ffff:169.254.169.254]/hook'],
    ['IPv4-translated (SIIT) loopback', 'http://[::ffff:0:127.0.0.1]/hook'],
    ['IPv4-compatible loopback', 'http://[::7f00:1]/hook'],
    ['IPv4-compatible private', 'http://[::10.0.0.1]/hook'],
    ['NAT64 loopback', 'http://[64:ff9b::7f00:1]/hook'],
    ['NAT64 metadata', 'http://[64:ff9b::169.254.169.254]/hook'],
    ['NAT64 local-use prefix', 'http://[64:ff9b:1::808:808]/hook'],
    ['6to4 of loopback', 'http://[2002:7f00:1::]/hook'],
    ['6to4 of a private network', 'http://[2002:c0a8:101::1]/hook'],
    ['6to4 of metadata', 'http://[2002:a9fe:a9fe::1]/hook'],
    ['Teredo, client 127.0.0.1', 'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/hook'],
    ['Teredo, client 10.0.0.1', 'http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook'],
    ['Teredo, a private server', 'http://[2001:0:a00:1:8000:63bf:f7f7:f7f7]/hook'],
    // DNS names resolving to them
    ['localhost', 'http://localhost/hook'],
    ['a name for loopback', 'http://loopback.test/hook'],
    ['a name for metadata', 'http://metadata.test/latest/meta-data'],
    ['a name for a private address', 'http://private.test/hook'],
    ['a name for IPv4-mapped loopback', 'http://mapped.test/hook'],
    ['a name for NAT64 loopback', 'http://nat64.test/hook'],
    ['a name for 6to4 of a private network', 'http://sixtofour.test/hook'],
    ['a name for Teredo loopback', 'http://teredo.test/hook'],
    ['a name for a unique local address', 'http://ula.test/hook'],
    ['a name with a public and a private address', 'http://rebinding.test/hook'],
  ];

  it.each(refused)('refuses %s (%s) with INVALID_CALLBACK_URL', async (_name, url) => {
    await expect(policy.checkUrl(url)).rejects.toMatchObject({ code: 'INVALID_CALLBACK_URL', message: expect.stringMatching(/not allowed/) });
  });

  it.each([
    ['public IPv4', 'http://93.184.216.34/hook'],
    ['public IPv4 next to 172.16/12', 'http://172.32.0.1/hook'],
    ['public IPv4 next to 192.0.2/24', 'http://192.0.3.1/hook'],
    ['public IPv4 next to 100.64/10', 'http://100.128.0.1/hook'],
    ['public IPv6', 'https://[2606:4700:4700::1111]/hook'],
    ['IPv4-mapped public', 'http://[::ffff:8.8.8.8]/hook'],
    ['NAT64 of a public address', 'http://[64:ff9b::808:808]/hook'],
    ['6to4 of a public address', 'http://[2002:808:808::1]/hook'],
    ['Teredo, a public server and client', 'http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/hook'],
    ['a name for public addresses', 'https://public.test/hook'],
  ])('accepts %s (%s)', async (_name, url) => {
    await expect(policy.checkUrl(url)).resolves.toBeInstanceOf(URL);
  });
});

describe('isPublicAddress', () => {
  it.each(['not an ip', '', 'fe80::1%eth0', '127.0.0.1.', '::ffff:127.0.0.1%1'])('refuses %j, which is no public IP address', (address) =>
    expect(isPublicAddress(address)).toBe(false),
  );
});

describe('checkUrl', () => {
  it.each([
    ['ftp://example.org/hook', /only http and https/],
    ['http://user:pw@example.org/hook', /credentials/],
    ['not a url', /not a URL/],
    ['http://127.0.0.1:9000/hook', /127\.0\.0\.1/],
    ['http://[::1]:8080/hook', /::1/],
  ])('refuses %s with INVALID_CALLBACK_URL, saying why', async (url, reason) => {
    await expect(policy.checkUrl(url)).rejects.toMatchObject({ code: 'INVALID_CALLBACK_URL', message: expect.stringMatching(reason) });
  });

  it('allows loopback when private addresses are allowed', async () => {
    const open = createAddressPolicy({ allowPrivate: true, resolve });
    await expect(open.checkUrl('http://127.0.0.1:9000/hook')).resolves.toBeInstanceOf(URL);
    await expect(open.checkUrl('http://localhost:9000/hook')).resolves.toBeInstanceOf(URL);
    await expect(open.checkUrl('http://[64:ff9b::7f00:1]/hook')).resolves.toBeInstanceOf(URL);
  });

  it('refuses a name that does not resolve, even when private addresses are allowed', async () => {
    const open = createAddressPolicy({ allowPrivate: true, resolve });
    await expect(open.checkUrl('http://no-such-host.invalid/hook')).rejects.toMatchObject({
      code: 'INVALID_CALLBACK_URL',
      message: expect.stringMatching(/does not resolve/),
    });
  });
});
