import net from 'node:net';

/**
 * Which IP addresses the service may send a request to: public unicast only. An IPv4 address is public unless it
 * is in the IANA IPv4 Special-Purpose Address Registry or is multicast; an IPv6 address that embeds or maps an IPv4
 * address is judged by the address it embeds; any other IPv6 address is public when it is global unicast
 * (2000::/3) and outside the IANA IPv6 Special-Purpose Address Registry.
 */

type Subnet = readonly [network: string, prefix: number];

const blockList = (family: 'ipv4' | 'ipv6', subnets: readonly Subnet[]) => {
  const list = new net.BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family);
  return list;
};

/** The IPv4 special-purpose registry, every entry (those marked globally reachable are anycast services, never a callback), and multicast. */
const IPV4_SPECIAL = blockList('ipv4', [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // shared address space (carrier-grade NAT)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, which holds cloud metadata endpoints (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (DS-Lite, NAT64 discovery, anycast services)
  ['192.0.2.0', 24], // documentation (TEST-NET-1)
  ['192.31.196.0', 24], // AS112
  ['192.52.193.0', 24], // AMT
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['192.175.48.0', 24], // AS112 direct delegation
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation (TEST-NET-2)
  ['203.0.113.0', 24], // documentation (TEST-NET-3)
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the limited broadcast 255.255.255.255
]);

/** Where IANA allocates global unicast IPv6: everything else (::/8, fc00::/7, fe80::/10, ff00::/8, …) is never public. */
const IPV6_GLOBAL_UNICAST = blockList('ipv6', [['2000::', 3]]);

/** The IPv6 special-purpose registry's entries inside 2000::/3; Teredo and 6to4 are judged by the addresses they embed, before this. */
const IPV6_SPECIAL = blockList('ipv6', [
  ['2001::', 23], // IETF protocol assignments: benchmarking, ORCHID, AMT, AS112, anycast services
  ['2001:db8::', 32], // documentation
  ['2620:4f:8000::', 48], // AS112 direct delegation
  ['3fff::', 20], // documentation
  ['5f00::', 16], // segment routing (SRv6) identifiers
]);

/** The eight 16-bit groups of an IPv6 address that `net.isIPv6` accepted, a trailing dotted quad included. */
function ipv6Groups(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const parse = (part: string | undefined) => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const [head, tail] = text.split('::');
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** The IPv4 address held by two 16-bit groups. */
const ipv4Of = (high: number, low: number): string => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');

interface EmbeddingForm {
  range: net.BlockList;
  /** The IPv4 addresses a packet to such an address reaches, from the address's groups. */
  embedded(groups: number[]): string[];
}

const lastTwoGroups = (groups: number[]) => [ipv4Of(groups[6]!, groups[7]!)];

/** The IPv6 forms that carry an IPv4 address, each as the registries and RFCs define it. */
const EMBEDDING_FORMS: readonly EmbeddingForm[] = [
  // IPv4-mapped (::ffff:0:0/96) and IPv4-translated (::ffff:0:0:0/96, SIIT).
  { range: blockList('ipv6', [['::ffff:0:0', 96]]), embedded: lastTwoGroups },
  { range: blockList('ipv6', [['::ffff:0:0:0', 96]]), embedded: lastTwoGroups },
  // IPv4-compatible (::/96, deprecated); :: and ::1 are in it, and embed 0.0.0.0 and 0.0.0.1.
  { range: blockList('ipv6', [['::', 96]]), embedded: lastTwoGroups },
  // NAT64's well-known prefix. The local-use prefix 64:ff9b:1::/48 is outside 2000::/3, so refused whatever it holds.
  { range: blockList('ipv6', [['64:ff9b::', 96]]), embedded: lastTwoGroups },
  // 6to4: 2002:AABB:CCDD::/48 routes to AA.BB.CC.DD.
  { range: blockList('ipv6', [['2002::', 16]]), embedded: (groups) => [ipv4Of(groups[1]!, groups[2]!)] },
  // Teredo: the server's address in bits 32–63, the client's in the last 32 bits with every bit inverted.
  {
    range: blockList('ipv6', [['2001::', 32]]),
    embedded: (groups) => [ipv4Of(groups[2]!, groups[3]!), ipv4Of(~groups[6]! & 0xffff, ~groups[7]! & 0xffff)],
  },
];

function isPublicIpv6(address: string): boolean {
  const form = EMBEDDING_FORMS.find(({ range }) => range.check(address, 'ipv6'));
  if (form) return form.embedded(ipv6Groups(address)).every(isPublicAddress);
  return IPV6_GLOBAL_UNICAST.check(address, 'ipv6') && !IPV6_SPECIAL.check(address, 'ipv6');
}

/** True when the address is one the service may send a request to; false for anything that is not an IP address. */
export function isPublicAddress(address: string): boolean {
  // A zone (fe80::1%eth0) names a link: nothing public has one.
  if (address.includes('%')) return false;
  const family = net.isIP(address);
  if (family === 4) return !IPV4_SPECIAL.check(address, 'ipv4');
  if (family === 6) return isPublicIpv6(address);
  return false;
}
