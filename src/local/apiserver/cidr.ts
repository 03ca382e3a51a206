import { ipv4ToNumber } from './allocators.js';

/** net.ParseCIDR's acceptance, as Go's validation uses it: an IPv4 or IPv6 address, '/', a prefix length. */
export function isCidr(text: string): boolean {
  const [address, prefix, extra] = text.split('/');
  if (address === undefined || prefix === undefined || extra !== undefined || !/^\d{1,3}$/.test(prefix))
    return false;
  const bits = Number(prefix);
  if (address.includes(':')) return bits <= 128 && isIpv6(address);
  return bits <= 32 && ipv4ToNumber(address) !== undefined;
}

export function isIp(text: string): boolean {
  return ipv4ToNumber(text) !== undefined || (text.includes(':') && isIpv6(text));
}

export function isIpv6(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return false;
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const tail = groups[groups.length - 1];
  const hasV4 = tail?.includes('.') === true;
  if (hasV4 && ipv4ToNumber(tail!) === undefined) return false;
  const hexGroups = hasV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (hasV4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}
