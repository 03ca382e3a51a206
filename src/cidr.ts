import ipaddr from 'ipaddr.js';

export type IpFamily = 'ipv4' | 'ipv6';

export interface ParsedCidr {
  /** Canonical network form: `10.244.1.0/24`, `fd00:10:244:1::/64`. */
  readonly text: string;
  readonly family: IpFamily;
  readonly range: [ipaddr.IPv4 | ipaddr.IPv6, number];
}

/** Parses a CIDR and normalises it to its network address; undefined when it is not one. */
export function parseCidr(text: string): ParsedCidr | undefined {
  try {
    const range = ipaddr.parseCIDR(text.trim());
    const [address, prefix] = range;
    const family: IpFamily = address.kind() === 'ipv4' ? 'ipv4' : 'ipv6';
    const network =
      family === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(text.trim())
        : ipaddr.IPv6.networkAddressFromCIDR(text.trim());
    return { text: `${network.toString()}/${prefix}`, family, range: [network, prefix] };
  } catch {
    return undefined;
  }
}

/** Whether `inner` lies wholly inside `outer` (same family, longer or equal prefix). */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
  if (outer.family !== inner.family || inner.range[1] < outer.range[1]) return false;
  return inner.range[0].match(outer.range);
}

/** Whether two CIDRs share any address. */
export function cidrsOverlap(a: ParsedCidr, b: ParsedCidr): boolean {
  return cidrContains(a, b) || cidrContains(b, a);
}
