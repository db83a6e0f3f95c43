import { isIPv4, isIPv6 } from 'node:net';
import { RefusedError } from './errors';

/**
 * The key an address is rate-limited under. IPv4 addresses count on their own; IPv6 addresses count
 * per /64, the smallest block an ISP normally hands to one subscriber (so one host cannot step
 * through its own 2^64 addresses to dodge the limit). IPv4-mapped IPv6 addresses count as IPv4.
 * Returns null for anything that is not an IP address.
 */
export function ipRateLimitKey(sourceIp: string): string | null {
  if (isIPv4(sourceIp)) return `v4:${sourceIp}`;
  const address = sourceIp.split('%')[0]!; // drop a zone index such as fe80::1%eth0
  if (!isIPv6(address)) return null;
  const groups = expandIPv6(address);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `v4:${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  }
  return `v6:${groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(':')}::/64`;
}

/**
 * `ipRateLimitKey` of the request's source address, or a refusal (`source_ip_invalid`) when it is not
 * one: API Gateway always sends one, but a direct invocation may not, and that is the caller's error.
 */
export function networkOf(sourceIp: string): string {
  const key = ipRateLimitKey(sourceIp);
  if (key === null) throw new RefusedError('source_ip_invalid');
  return key;
}

/** The eight 16-bit groups of a valid IPv6 address (embedded dotted IPv4 tails included). */
function expandIPv6(address: string): number[] {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string | undefined) => (part ? part.split(':').map((g) => parseInt(g, 16)) : []);
  const left = parse(head);
  if (tail === undefined) return left;
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
