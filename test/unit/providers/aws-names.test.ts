import { describe, expect, it } from 'vitest';
import {
  isValidElbName,
  MAX_ELB_NAME_LENGTH,
  nlbName,
  securityGroupName,
  targetGroupName,
} from '../../../providers/aws/names.js';

const LONG = 'a-very-long-namespace-name-that-goes-on-and-on-for-sixty-three-c';

describe('nlbName', () => {
  it.each([
    ['default', 'web', 'uid-1'],
    ['kube-system', 'ingress-nginx-controller', 'uid-2'],
    [LONG, LONG, 'uid-3'],
    ['internal', 'api', 'uid-4'],
    ['-', '-', 'uid-5'],
    ['ns', 'Name_With.Odd$Chars', 'uid-6'],
  ])('%s/%s is a valid ELBv2 name of at most 32 characters', (namespace, name, uid) => {
    const result = nlbName(namespace, name, uid);
    expect(result.length).toBeLessThanOrEqual(MAX_ELB_NAME_LENGTH);
    expect(isValidElbName(result)).toBe(true);
  });

  it('keeps a readable prefix and is stable', () => {
    expect(nlbName('default', 'web', 'uid-1')).toBe(nlbName('default', 'web', 'uid-1'));
    expect(nlbName('default', 'web', 'uid-1')).toMatch(/^default-web-[0-9a-f]{10}$/);
    // A short namespace leaves its room to the name.
    expect(nlbName('ns', 'my-very-long-service-name', 'u')).toMatch(/^ns-my-very-long-servi-[0-9a-f]{10}$/);
  });

  it('never collides for long names sharing a prefix, nor for a re-created Service', () => {
    const a = nlbName(LONG, `${LONG}-a`, 'uid-a');
    const b = nlbName(LONG, `${LONG}-b`, 'uid-b');
    expect(a.slice(0, 20)).toBe(b.slice(0, 20));
    expect(a).not.toBe(b);
    expect(nlbName('default', 'web', 'uid-old')).not.toBe(nlbName('default', 'web', 'uid-new'));
  });

  it('never begins with internal-', () => {
    expect(nlbName('internal', 'api', 'u').startsWith('internal-')).toBe(false);
    expect(nlbName('internal', '', 'u').startsWith('internal-')).toBe(false);
  });
});

describe('targetGroupName', () => {
  it('is valid, at most 32 characters, and distinct per protocol and NodePort', () => {
    const lb = nlbName(LONG, LONG, 'uid');
    const names = [
      targetGroupName(lb, 'TCP', 30080),
      targetGroupName(lb, 'UDP', 30080),
      targetGroupName(lb, 'TCP', 30081),
      targetGroupName(nlbName(LONG, LONG, 'uid-2'), 'TCP', 30080),
    ];
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(MAX_ELB_NAME_LENGTH);
      expect(isValidElbName(name)).toBe(true);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(targetGroupName(nlbName('default', 'web', 'u'), 'TCP', 30080)).toMatch(
      /^default-web-tcp30080-[0-9a-f]{10}$/,
    );
  });

  it('names the security group after the load balancer', () => {
    expect(securityGroupName('default-web-0123456789')).toBe('skyway-default-web-0123456789');
  });
});

describe('isValidElbName', () => {
  it.each([
    ['', false],
    ['a'.repeat(33), false],
    ['a'.repeat(32), true],
    ['-a', false],
    ['a-', false],
    ['bad_name!', false],
    ['internal-x', false],
    ['internalx', true],
  ])('%s → %s', (name, valid) => {
    expect(isValidElbName(name)).toBe(valid);
  });
});
