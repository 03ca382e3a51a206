import { describe, expect, it } from 'vitest';
import { chooseGroup } from '../../../providers/aws/node-security-groups.js';

describe('chooseGroup (as cloud-provider-aws findSecurityGroupForInstance)', () => {
  const tagged = new Set(['sg-tagged', 'sg-tagged-2']);
  it.each<[string, string[], ReturnType<typeof chooseGroup>]>([
    ['the one tagged group among several', ['sg-other', 'sg-tagged'], { group: 'sg-tagged' }],
    ['the only group, untagged', ['sg-other'], { group: 'sg-other' }],
    ['no group at all: nothing, no problem', [], { problem: undefined }],
  ])('%s', (_title, groups, expected) => {
    expect(chooseGroup(groups, tagged, 'c1')).toEqual(expected);
  });

  it.each([
    [
      'several tagged groups',
      ['sg-tagged', 'sg-tagged-2'],
      /several security groups tagged kubernetes.io\/cluster\/c1/,
    ],
    ['several untagged groups', ['sg-a', 'sg-b'], /none tagged kubernetes.io\/cluster\/c1/],
  ])('%s is a problem to report', (_title, groups, message) => {
    const choice = chooseGroup(groups, tagged, 'c1');
    expect('problem' in choice ? choice.problem : '').toMatch(message);
  });
});
