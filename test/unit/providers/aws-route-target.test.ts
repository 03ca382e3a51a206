import type { Route } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { routeDestination, routeTarget } from '../../../providers/aws/route-target.js';

describe('routeTarget', () => {
  it.each<[string, Route, ReturnType<typeof routeTarget>]>([
    [
      'an ENI route as moto reports it',
      { NetworkInterfaceId: 'eni-1', State: 'active' },
      { kind: 'networkInterface', id: 'eni-1', interfaceId: 'eni-1' },
    ],
    [
      'an ENI route as AWS reports it (instance named too)',
      { NetworkInterfaceId: 'eni-1', InstanceId: 'i-1', InstanceOwnerId: '123', State: 'active' },
      { kind: 'networkInterface', id: 'eni-1', interfaceId: 'eni-1', instanceId: 'i-1' },
    ],
    [
      'an instance route',
      { InstanceId: 'i-1', State: 'active' },
      { kind: 'instance', id: 'i-1', instanceId: 'i-1' },
    ],
    [
      'a blackhole keeps what it named',
      { NetworkInterfaceId: 'eni-1', InstanceId: 'i-1', State: 'blackhole' },
      { kind: 'blackhole', id: 'eni-1', interfaceId: 'eni-1', instanceId: 'i-1' },
    ],
    [
      'a blackhole gateway',
      { NatGatewayId: 'nat-1', State: 'blackhole' },
      { kind: 'blackhole', id: 'nat-1' },
    ],
    ['the local route', { GatewayId: 'local', State: 'active' }, { kind: 'gateway', id: 'local' }],
    ['an internet gateway', { GatewayId: 'igw-1' }, { kind: 'gateway', id: 'igw-1' }],
    ['a NAT gateway', { NatGatewayId: 'nat-1' }, { kind: 'gateway', id: 'nat-1' }],
    ['a transit gateway', { TransitGatewayId: 'tgw-1' }, { kind: 'gateway', id: 'tgw-1' }],
    ['a peering', { VpcPeeringConnectionId: 'pcx-1' }, { kind: 'other', id: 'pcx-1' }],
    ['nothing known', {}, { kind: 'other', id: '' }],
  ])('%s', (_name, route, expected) => {
    expect(routeTarget(route)).toEqual(expected);
  });

  it('reads IPv4 and IPv6 destinations, and none for a prefix list', () => {
    expect(routeDestination({ DestinationCidrBlock: '10.244.1.0/24' })).toBe('10.244.1.0/24');
    expect(routeDestination({ DestinationIpv6CidrBlock: 'fd00::/64' })).toBe('fd00::/64');
    expect(routeDestination({ DestinationPrefixListId: 'pl-1' })).toBeUndefined();
  });
});
