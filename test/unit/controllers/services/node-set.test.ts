import { describe, expect, it } from 'vitest';
import { isLoadBalancerNode, stableLoadBalancerNodes } from '../../../../controllers/services/node-set.js';
import { node } from './fixtures.js';

const EXCLUDE = 'node.kubernetes.io/exclude-from-external-load-balancers';

describe('stable load-balancer node set', () => {
  const cases: [string, ReturnType<typeof node>, boolean][] = [
    ['a plain node', node('a'), true],
    ['a NotReady node (the health check decides)', node('a', { ready: false }), true],
    ['a node with another taint', node('a', { taints: ['node.kubernetes.io/unreachable'] }), true],
    ['exclude label, empty value', node('a', { labels: { [EXCLUDE]: '' } }), false],
    ['exclude label "true"', node('a', { labels: { [EXCLUDE]: 'true' } }), false],
    [
      'exclude label "yes" (not a bool: excluded, as upstream)',
      node('a', { labels: { [EXCLUDE]: 'yes' } }),
      false,
    ],
    [
      'exclude label "false" (upstream ParseBool keeps it)',
      node('a', { labels: { [EXCLUDE]: 'false' } }),
      true,
    ],
    ['exclude label "0"', node('a', { labels: { [EXCLUDE]: '0' } }), true],
    [
      'tainted ToBeDeletedByClusterAutoscaler',
      node('a', { taints: ['ToBeDeletedByClusterAutoscaler'] }),
      false,
    ],
    ['being deleted', node('a', { deleting: true }), false],
  ];
  it.each(cases)('%s', (_name, subject, expected) => {
    expect(isLoadBalancerNode(subject)).toBe(expected);
  });

  it('filters and sorts by name', () => {
    const nodes = [
      node('c'),
      node('a', { deleting: true }),
      node('b', { ready: false }),
      node('d', { labels: { [EXCLUDE]: 'true' } }),
    ];
    expect(stableLoadBalancerNodes(nodes).map((n) => n.metadata?.name)).toEqual(['b', 'c']);
  });
});
