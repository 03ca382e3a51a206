import type { Instance, InstanceNetworkInterface } from '@aws-sdk/client-ec2';
import type { CloudInstance } from '../../src/model/instance.js';
import { isClusterMember, tagMap } from './tags.js';

/** One ENI of an instance, as DescribeInstances reports it. */
export interface InterfaceRecord {
  readonly id: string;
  readonly deviceIndex: number;
  readonly sourceDestCheck: boolean | undefined;
  readonly privateIps: readonly string[];
}

/** What Skyway keeps of one DescribeInstances entry: enough for routes, ownership and forwarding. */
export interface InstanceRecord {
  readonly id: string;
  readonly privateDnsName: string;
  readonly zone: string;
  readonly vpcId: string;
  readonly subnetId: string;
  /** The EC2 state name: pending, running, shutting-down, terminated, stopping, stopped. */
  readonly state: string;
  readonly tags: ReadonlyMap<string, string>;
  /** Sorted by device index; the first is the primary ENI (device index 0). */
  readonly interfaces: readonly InterfaceRecord[];
  /** The instance-level attribute (ModifyInstanceAttribute writes it). */
  readonly sourceDestCheck: boolean | undefined;
  readonly privateIp: string;
}

function interfaceRecord(eni: InstanceNetworkInterface): InterfaceRecord | undefined {
  if (!eni.NetworkInterfaceId) return undefined;
  return {
    id: eni.NetworkInterfaceId,
    deviceIndex: eni.Attachment?.DeviceIndex ?? Number.MAX_SAFE_INTEGER,
    sourceDestCheck: eni.SourceDestCheck,
    privateIps: (eni.PrivateIpAddresses ?? [])
      .map((address) => address.PrivateIpAddress ?? '')
      .filter((ip) => ip !== ''),
  };
}

export function instanceRecordFrom(instance: Instance): InstanceRecord | undefined {
  if (!instance.InstanceId) return undefined;
  const interfaces = (instance.NetworkInterfaces ?? [])
    .map(interfaceRecord)
    .filter((eni): eni is InterfaceRecord => eni !== undefined)
    .sort((a, b) => a.deviceIndex - b.deviceIndex);
  return {
    id: instance.InstanceId,
    privateDnsName: instance.PrivateDnsName ?? '',
    zone: instance.Placement?.AvailabilityZone ?? '',
    vpcId: instance.VpcId ?? '',
    subnetId: instance.SubnetId ?? '',
    state: instance.State?.Name ?? '',
    tags: tagMap(instance.Tags),
    interfaces,
    sourceDestCheck: instance.SourceDestCheck,
    privateIp: instance.PrivateIpAddress ?? '',
  };
}

/** The ENI with device index 0: routes target it (CreateRoute by instance id fails on multi-ENI instances). */
export function primaryInterface(record: InstanceRecord): InterfaceRecord | undefined {
  return record.interfaces.find((eni) => eni.deviceIndex === 0) ?? record.interfaces[0];
}

/**
 * Source/destination checks are off. On AWS the instance attribute *is* the primary ENI's attribute, so both
 * places agree; moto keeps two copies (ModifyInstanceAttribute changes only the instance's, and
 * ModifyNetworkInterfaceAttribute only the ENI's), so a single-ENI instance counts as forwarding when either says
 * so. A multi-ENI instance is judged by its primary ENI alone, the attribute AWS lets Skyway change there.
 */
export function canForward(record: InstanceRecord): boolean {
  const primary = primaryInterface(record);
  if (primary?.sourceDestCheck === false) return true;
  return record.interfaces.length <= 1 && record.sourceDestCheck === false;
}

/** A machine that may still serve a Node; terminated and terminating instances never do. */
export function isLive(record: InstanceRecord): boolean {
  return record.state !== 'terminated' && record.state !== 'shutting-down' && record.state !== '';
}

function cloudState(state: string): CloudInstance['state'] {
  switch (state) {
    case 'running':
    case 'pending':
    case 'stopped':
    case 'terminated':
      return state;
    default:
      return 'other';
  }
}

export function cloudInstanceFrom(
  record: InstanceRecord,
  nodeName: string,
  clusterName: string,
): CloudInstance {
  const primary = primaryInterface(record);
  const ips = record.interfaces.flatMap((eni) => eni.privateIps);
  return {
    id: record.id,
    nodeName,
    zone: record.zone,
    primaryInterfaceId: primary?.id ?? '',
    network: record.vpcId,
    privateIps: ips.length > 0 ? [...new Set(ips)] : record.privateIp ? [record.privateIp] : [],
    canForward: canForward(record),
    clusterOwned: isClusterMember(record.tags, clusterName),
    state: cloudState(record.state),
  };
}

/** The same instance after Skyway turned source/destination checks off (as the instance or its primary ENI). */
export function withForwarding(record: InstanceRecord): InstanceRecord {
  const primary = primaryInterface(record);
  return {
    ...record,
    sourceDestCheck: record.interfaces.length <= 1 ? false : record.sourceDestCheck,
    interfaces: record.interfaces.map((eni) => (eni === primary ? { ...eni, sourceDestCheck: false } : eni)),
  };
}
