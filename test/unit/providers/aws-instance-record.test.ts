import type { Instance } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import {
  canForward,
  cloudInstanceFrom,
  instanceRecordFrom,
  isLive,
  withForwarding,
} from '../../../providers/aws/instance-record.js';

function instance(options: {
  readonly state?: string;
  readonly check?: boolean;
  readonly enis?: readonly { readonly id: string; readonly index: number; readonly check?: boolean }[];
}): Instance {
  return {
    InstanceId: 'i-1',
    PrivateDnsName: 'ip-10-0-1-4.ec2.internal',
    PrivateIpAddress: '10.0.1.4',
    Placement: { AvailabilityZone: 'us-east-1a' },
    VpcId: 'vpc-1',
    SubnetId: 'subnet-1',
    State: { Name: (options.state ?? 'running') as 'running' },
    SourceDestCheck: options.check,
    Tags: [{ Key: 'kubernetes.io/cluster/c', Value: 'owned' }],
    NetworkInterfaces: (options.enis ?? [{ id: 'eni-1', index: 0, check: options.check }]).map((eni, n) => ({
      NetworkInterfaceId: eni.id,
      Attachment: { DeviceIndex: eni.index },
      SourceDestCheck: eni.check,
      PrivateIpAddresses: [{ PrivateIpAddress: `10.0.1.${4 + n}` }],
    })),
  };
}

function record(source: Instance) {
  const parsed = instanceRecordFrom(source);
  if (!parsed) throw new Error('no record');
  return parsed;
}

describe('instance records', () => {
  it('takes the ENI with device index 0 as primary, whatever the listing order', () => {
    const multi = record(
      instance({
        enis: [
          { id: 'eni-secondary', index: 1 },
          { id: 'eni-primary', index: 0 },
        ],
      }),
    );
    expect(cloudInstanceFrom(multi, 'node', 'c')).toEqual({
      id: 'i-1',
      nodeName: 'node',
      zone: 'us-east-1a',
      primaryInterfaceId: 'eni-primary',
      network: 'vpc-1',
      privateIps: ['10.0.1.5', '10.0.1.4'],
      canForward: false,
      clusterOwned: true,
      state: 'running',
    });
    expect(cloudInstanceFrom(multi, 'node', 'other').clusterOwned).toBe(false);
  });

  it.each([
    [
      'single ENI, instance attribute off (moto after ModifyInstanceAttribute)',
      { check: false, enis: [{ id: 'e', index: 0, check: true }] },
      true,
    ],
    [
      'single ENI, ENI attribute off (moto after ModifyNetworkInterfaceAttribute)',
      { check: true, enis: [{ id: 'e', index: 0, check: false }] },
      true,
    ],
    ['single ENI, both on', { check: true }, false],
    ['single ENI, AWS reporting both off', { check: false }, true],
    [
      'multi ENI, primary off',
      {
        check: true,
        enis: [
          { id: 'a', index: 0, check: false },
          { id: 'b', index: 1, check: true },
        ],
      },
      true,
    ],
    [
      'multi ENI, only a secondary off',
      {
        check: true,
        enis: [
          { id: 'a', index: 0, check: true },
          { id: 'b', index: 1, check: false },
        ],
      },
      false,
    ],
    [
      'multi ENI, only the instance attribute off',
      {
        check: false,
        enis: [
          { id: 'a', index: 0, check: true },
          { id: 'b', index: 1, check: true },
        ],
      },
      false,
    ],
  ])('%s: canForward %s', (_name, options, expected) => {
    const parsed = record(instance(options));
    expect(canForward(parsed)).toBe(expected);
    expect(canForward(withForwarding(parsed))).toBe(true);
  });

  it.each([
    ['running', true, 'running'],
    ['pending', true, 'pending'],
    ['stopped', true, 'stopped'],
    ['stopping', true, 'other'],
    ['shutting-down', false, 'other'],
    ['terminated', false, 'terminated'],
  ])('%s: live %s, state %s', (state, live, cloudState) => {
    const parsed = record(instance({ state }));
    expect(isLive(parsed)).toBe(live);
    expect(cloudInstanceFrom(parsed, 'n', 'c').state).toBe(cloudState);
  });
});
