import ipaddr from 'ipaddr.js';

/**
 * The documentation networks (TEST-NET-1..3): reserved, routed nowhere, so harmless to allow; tests use them as
 * stand-ins for public hosts.
 */
const DOCUMENTATION_V4 = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'].map((cidr) => ipaddr.parseCIDR(cidr) as [ipaddr.IPv4, number]);

/** IPv6 ranges that carry an IPv4 address in their last 32 bits, which then decides (IPv4-mapped, SIIT, NAT64 /96). */
const EMBEDS_V4_IN_LAST_32 = new Set(['ipv4Mapped', 'rfc6145']);
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96') as [ipaddr.IPv6, number];

const isPublicV4 = (ip: ipaddr.IPv4): boolean =>
  ip.range() === 'unicast' || DOCUMENTATION_V4.some((cidr) => ip.match(cidr));

const lastV4 = (ip: ipaddr.IPv6): ipaddr.IPv4 => {
  const bytes = ip.toByteArray();
  return new ipaddr.IPv4(bytes.slice(12));
};

/**
 * Whether an outbound request may connect to `address`: a global unicast address by ipaddr.js's maintained range
 * table (loopback, private, link-local, CGNAT, multicast, reserved and every special IPv6 range are not). An IPv6
 * address that embeds an IPv4 one (IPv4-mapped `::ffff:0:0/96`, SIIT `::ffff:0:0:0/96`, NAT64 `64:ff9b::/96`) is
 * judged by that IPv4 address; local-use NAT64 (`64:ff9b:1::/48`), 6to4 and Teredo hide where they lead and are
 * refused.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  if (!ipaddr.isValid(bare)) return false;
  const ip = ipaddr.parse(bare);
  if (ip.kind() === 'ipv4') return isPublicV4(ip as ipaddr.IPv4);
  const v6 = ip as ipaddr.IPv6;
  const range = v6.range();
  if (EMBEDS_V4_IN_LAST_32.has(range) || v6.match(NAT64_WELL_KNOWN)) return isPublicV4(lastV4(v6));
  return range === 'unicast';
}
