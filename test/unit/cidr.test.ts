import { describe, expect, it } from 'vitest';
import { cidrContains, cidrsOverlap, parseCidr } from '../../src/cidr.js';

function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`bad test CIDR ${text}`);
  return parsed;
}

describe('CIDR maths', () => {
  it.each([
    ['10.244.1.7/24', '10.244.1.0/24', 'ipv4'],
    ['fd00:10:244:0:0::1/64', 'fd00:10:244::/64', 'ipv6'],
    ['0.0.0.0/0', '0.0.0.0/0', 'ipv4'],
  ])('normalises %s to %s', (input, text, family) => {
    expect(parseCidr(input)).toMatchObject({ text, family });
  });

  it.each(['10.244.0.0', '10.244.0.0/33', 'garbage', '', 'fd00::/129'])('rejects %j', (input) => {
    expect(parseCidr(input)).toBeUndefined();
  });

  it('tests containment and overlap within one family only', () => {
    expect(cidrContains(cidr('10.244.0.0/16'), cidr('10.244.3.0/24'))).toBe(true);
    expect(cidrContains(cidr('10.244.3.0/24'), cidr('10.244.0.0/16'))).toBe(false);
    expect(cidrContains(cidr('10.244.0.0/16'), cidr('10.245.0.0/24'))).toBe(false);
    expect(cidrContains(cidr('::/0'), cidr('10.0.0.0/8'))).toBe(false);
    expect(cidrsOverlap(cidr('10.244.3.0/24'), cidr('10.244.0.0/16'))).toBe(true);
    expect(cidrsOverlap(cidr('10.244.3.0/24'), cidr('10.244.4.0/24'))).toBe(false);
  });
});
