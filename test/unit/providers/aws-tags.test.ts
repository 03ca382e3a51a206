import { describe, expect, it } from 'vitest';
import {
  clusterTagKey,
  clusterTagValue,
  isClusterMember,
  isClusterOwned,
  isOwnedByStack,
  RESOURCE_TAG,
  STACK_TAG,
  skywayTags,
  tagMap,
} from '../../../providers/aws/tags.js';

const tag = (Key: string, Value: string) => ({ Key, Value });

describe('AWS ownership tags', () => {
  it('names the cluster tag as cloud-provider-aws does', () => {
    expect(clusterTagKey('prod')).toBe('kubernetes.io/cluster/prod');
  });

  it.each([
    [[tag('kubernetes.io/cluster/prod', 'owned')], 'owned', true, true],
    [[tag('kubernetes.io/cluster/prod', 'shared')], 'shared', true, false],
    [[tag('kubernetes.io/cluster/prod', '')], undefined, false, false],
    [[tag('kubernetes.io/cluster/prod', 'yes')], undefined, false, false],
    [[tag('kubernetes.io/cluster/staging', 'owned')], undefined, false, false],
    [[tag('KubernetesCluster', 'prod')], undefined, false, false],
    [[], undefined, false, false],
    [undefined, undefined, false, false],
  ])('%j: value %s, member %s, owned %s', (tags, value, member, owned) => {
    expect(clusterTagValue(tags, 'prod')).toBe(value);
    expect(isClusterMember(tags, 'prod')).toBe(member);
    expect(isClusterOwned(tags, 'prod')).toBe(owned);
  });

  it('reads tags from EC2 lists and maps alike, skipping keyless entries', () => {
    const map = tagMap([{ Key: 'a', Value: '1' }, { Value: 'orphan' }, { Key: 'b' }]);
    expect([...map]).toEqual([
      ['a', '1'],
      ['b', ''],
    ]);
    expect(isClusterMember(new Map([['kubernetes.io/cluster/prod', 'shared']]), 'prod')).toBe(true);
  });

  it("builds Skyway's resource tags and recognises a stack's own resources", () => {
    const tags = skywayTags({ clusterName: 'prod', stack: 'service/default/web', resource: 'tg/80' });
    expect(tags).toEqual([
      tag('kubernetes.io/cluster/prod', 'owned'),
      tag(STACK_TAG, 'service/default/web'),
      tag(RESOURCE_TAG, 'tg/80'),
    ]);
    expect(isOwnedByStack(tags, { clusterName: 'prod', stack: 'service/default/web' })).toBe(true);
    expect(isOwnedByStack(tags, { clusterName: 'prod', stack: 'service/default/api' })).toBe(false);
    expect(isOwnedByStack(tags, { clusterName: 'staging', stack: 'service/default/web' })).toBe(false);
  });
});
