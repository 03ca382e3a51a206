import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildDesiredRoutes } from '../../../controllers/routes/desired.js';
import type { CloudInstance } from '../../../src/model/instance.js';

function node(name: string, spec: V1Node['spec'] = {}): V1Node {
  return { metadata: { name }, spec };
}

function instance(nodeName: string, id: string, clusterOwned = true): CloudInstance {
  return {
    id,
    nodeName,
    zone: 'us-east-1a',
    primaryInterfaceId: `eni-${id.slice(2)}`,
    network: 'vpc-1',
    privateIps: ['10.0.1.10'],
    canForward: false,
    clusterOwned,
    state: 'running',
  };
}

const instances = new Map([
  ['a', instance('a', 'i-aaa')],
  ['b', instance('b', 'i-bbb', false)],
  ['c', instance('c', 'i-ccc')],
  ['d', instance('d', 'i-ddd')],
]);

describe('buildDesiredRoutes', () => {
  it('routes every pod CIDR inside the cluster CIDRs to the primary ENI, v4 and v6', () => {
    const result = buildDesiredRoutes(
      [
        node('b', { podCIDRs: ['10.244.1.7/24'] }),
        node('a', { podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'] }),
      ],
      instances,
      ['10.244.0.0/16', 'fd00:10:244::/56'],
    );
    expect(result.skipped).toEqual([]);
    expect(result.routes).toEqual([
      {
        nodeName: 'a',
        destinationCidr: '10.244.0.0/24',
        family: 'ipv4',
        instanceId: 'i-aaa',
        interfaceId: 'eni-aaa',
        network: 'vpc-1',
        clusterOwned: true,
      },
      expect.objectContaining({ nodeName: 'a', destinationCidr: 'fd00:10:244::/64', family: 'ipv6' }),
      expect.objectContaining({ nodeName: 'b', destinationCidr: '10.244.1.0/24', clusterOwned: false }),
    ]);
  });

  it('falls back to spec.podCIDR', () => {
    const result = buildDesiredRoutes([node('a', { podCIDR: '10.244.3.0/24' })], instances, [
      '10.244.0.0/16',
    ]);
    expect(result.routes.map((route) => route.destinationCidr)).toEqual(['10.244.3.0/24']);
  });

  it('skips nodes without podCIDR or instance quietly, and warns on bad or foreign CIDRs', () => {
    const result = buildDesiredRoutes(
      [
        node('a'),
        node('z', { podCIDRs: ['10.244.9.0/24'] }),
        node('c', { podCIDRs: ['10.244.300.0/24'] }),
        node('d', { podCIDRs: ['192.168.0.0/24', '10.244.4.0/24'] }),
      ],
      instances,
      ['10.244.0.0/16'],
    );
    expect(result.routes.map((route) => `${route.nodeName} ${route.destinationCidr}`)).toEqual([
      'd 10.244.4.0/24',
    ]);
    expect(result.skipped.map((skip) => [skip.nodeName, skip.reason, skip.warn])).toEqual([
      ['a', 'NoPodCIDR', false],
      ['c', 'InvalidPodCIDR', true],
      ['d', 'PodCIDROutsideClusterCIDR', true],
      ['z', 'InstanceNotFound', false],
    ]);
    expect(result.skipped.find((skip) => skip.nodeName === 'c')?.message).toBe(
      'spec.podCIDRs[0]: "10.244.300.0/24" is not a CIDR',
    );
  });
});
