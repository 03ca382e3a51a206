import {
  AttachNetworkInterfaceCommand,
  CreateNetworkInterfaceCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
  type Instance,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';

/** moto lists Ubuntu under this id; others may come back as Windows instances. */
const UBUNTU_AMI = 'ami-1e749f67';

export interface SeededVpc {
  readonly vpcId: string;
  /** One subnet per zone, us-east-1a then us-east-1b: 10.0.1.0/24, 10.0.2.0/24. */
  readonly subnetIds: readonly string[];
}

export function clusterTag(clusterName: string, value: 'owned' | 'shared' = 'owned'): Tag {
  return { Key: `kubernetes.io/cluster/${clusterName}`, Value: value };
}

/** A dual-stack VPC (10.0.0.0/16 plus an Amazon /56) with one subnet in each of two zones. */
export async function seedVpc(ec2: EC2Client, cidr = '10.0.0.0/16'): Promise<SeededVpc> {
  const vpc = await ec2.send(new CreateVpcCommand({ CidrBlock: cidr, AmazonProvidedIpv6CidrBlock: true }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const prefix = cidr.split('.').slice(0, 2).join('.');
  const subnetIds: string[] = [];
  for (const [index, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `${prefix}.${index + 1}.0/24`,
        AvailabilityZone: zone,
      }),
    );
    subnetIds.push(subnet.Subnet?.SubnetId ?? '');
  }
  return { vpcId, subnetIds };
}

export async function seedRouteTable(ec2: EC2Client, vpcId: string, tags: readonly Tag[]): Promise<string> {
  const table = await ec2.send(
    new CreateRouteTableCommand({
      VpcId: vpcId,
      ...(tags.length > 0 ? { TagSpecifications: [{ ResourceType: 'route-table', Tags: [...tags] }] } : {}),
    }),
  );
  return table.RouteTable?.RouteTableId ?? '';
}

export interface SeededInstance {
  readonly instanceId: string;
  readonly eniId: string;
  readonly privateDnsName: string;
  readonly zone: string;
}

function seeded(instance: Instance | undefined): SeededInstance {
  return {
    instanceId: instance?.InstanceId ?? '',
    eniId: instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '',
    privateDnsName: instance?.PrivateDnsName ?? '',
    zone: instance?.Placement?.AvailabilityZone ?? '',
  };
}

/** `count` instances in one RunInstances, tagged with `tags` (none: an appliance that is not the cluster's). */
export async function seedInstances(
  ec2: EC2Client,
  options: { readonly subnetId: string; readonly tags: readonly Tag[]; readonly count?: number },
): Promise<SeededInstance[]> {
  const count = options.count ?? 1;
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: UBUNTU_AMI,
      InstanceType: 't3.medium',
      MinCount: count,
      MaxCount: count,
      SubnetId: options.subnetId,
      ...(options.tags.length > 0
        ? { TagSpecifications: [{ ResourceType: 'instance', Tags: [...options.tags] }] }
        : {}),
    }),
  );
  return (run.Instances ?? []).map(seeded);
}

/** Attaches a second ENI (device index 1), as VPC-CNI does on every node; returns its id. */
export async function attachSecondInterface(
  ec2: EC2Client,
  instanceId: string,
  subnetId: string,
): Promise<string> {
  const eni = await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: subnetId }));
  const eniId = eni.NetworkInterface?.NetworkInterfaceId ?? '';
  await ec2.send(
    new AttachNetworkInterfaceCommand({ NetworkInterfaceId: eniId, InstanceId: instanceId, DeviceIndex: 1 }),
  );
  return eniId;
}
