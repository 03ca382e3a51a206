import {
  AssociateRouteTableCommand,
  CreateRouteTableCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  type EC2Client,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';

export interface SeededAwsNode {
  readonly nodeName: string;
  readonly instanceId: string;
  readonly zone: string;
  readonly privateIp: string;
  readonly podCidr: string;
}

export interface SeededAws {
  readonly vpcId: string;
  readonly routeTableIds: readonly string[];
  readonly subnetIds: readonly string[];
  readonly nodeSecurityGroupId: string;
  readonly nodes: readonly SeededAwsNode[];
}

export interface AwsSeedOptions {
  readonly clusterName: string;
  /** Zones in the region; one subnet and one route table each. */
  readonly zones: readonly string[];
  readonly nodeCount: number;
}

/** moto lists Ubuntu under this id; others come back as Windows instances. */
const UBUNTU_AMI = 'ami-1e749f67';

/**
 * The AWS side of a small kube-up style cluster, as an admin would have it before Skyway runs: a VPC, one tagged
 * subnet and route table per zone, and node instances tagged with the cluster tag.
 */
export async function seedAwsCluster(ec2: EC2Client, options: AwsSeedOptions): Promise<SeededAws> {
  const clusterTag: Tag = { Key: `kubernetes.io/cluster/${options.clusterName}`, Value: 'owned' };
  const vpc = await ec2.send(
    new CreateVpcCommand({
      CidrBlock: '10.0.0.0/16',
      TagSpecifications: [
        { ResourceType: 'vpc', Tags: [clusterTag, { Key: 'Name', Value: options.clusterName }] },
      ],
    }),
  );
  const vpcId = vpc.Vpc?.VpcId ?? '';
  const nodeGroup = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `${options.clusterName}-nodes`,
      Description: 'cluster nodes',
      VpcId: vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [clusterTag] }],
    }),
  );
  const subnetIds: string[] = [];
  const routeTableIds: string[] = [];
  for (const [index, zone] of options.zones.entries()) {
    const subnet = await ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        // A /20 per zone: room for a thousand-node benchmark cluster.
        CidrBlock: `10.0.${index * 16}.0/20`,
        AvailabilityZone: zone,
        TagSpecifications: [
          {
            ResourceType: 'subnet',
            // Both roles on the same subnets: the demo has no private subnets, and both schemes should work.
            Tags: [
              clusterTag,
              { Key: 'kubernetes.io/role/elb', Value: '1' },
              { Key: 'kubernetes.io/role/internal-elb', Value: '1' },
            ],
          },
        ],
      }),
    );
    const subnetId = subnet.Subnet?.SubnetId ?? '';
    subnetIds.push(subnetId);
    const table = await ec2.send(
      new CreateRouteTableCommand({
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'route-table', Tags: [clusterTag] }],
      }),
    );
    const routeTableId = table.RouteTable?.RouteTableId ?? '';
    routeTableIds.push(routeTableId);
    await ec2.send(new AssociateRouteTableCommand({ RouteTableId: routeTableId, SubnetId: subnetId }));
  }
  const nodes: SeededAwsNode[] = [];
  for (let index = 0; index < options.nodeCount; index += 1) {
    const zoneIndex = index % options.zones.length;
    const offset = 10 + Math.floor(index / options.zones.length);
    const privateIp = `10.0.${zoneIndex * 16 + Math.floor(offset / 256)}.${offset % 256}`;
    const run = await ec2.send(
      new RunInstancesCommand({
        ImageId: UBUNTU_AMI,
        InstanceType: 't3.medium',
        MinCount: 1,
        MaxCount: 1,
        SubnetId: subnetIds[zoneIndex],
        // The cluster-tagged group load balancers open the NodePorts in (as cloud-provider-aws expects).
        SecurityGroupIds: nodeGroup.GroupId ? [nodeGroup.GroupId] : [],
        PrivateIpAddress: privateIp,
        TagSpecifications: [
          {
            ResourceType: 'instance',
            Tags: [clusterTag, { Key: 'Name', Value: `${options.clusterName}-node-${index}` }],
          },
        ],
      }),
    );
    const instance = run.Instances?.[0];
    nodes.push({
      nodeName: instance?.PrivateDnsName ?? `node-${index}`,
      instanceId: instance?.InstanceId ?? '',
      zone: options.zones[zoneIndex] ?? '',
      privateIp,
      // 10.244.0.0/24, 10.244.1.0/24, … continuing into 10.245.0.0/24 past 256 nodes (inside 10.244.0.0/14).
      podCidr: `10.${244 + Math.floor(index / 256)}.${index % 256}.0/24`,
    });
  }
  return { vpcId, routeTableIds, subnetIds, nodeSecurityGroupId: nodeGroup.GroupId ?? '', nodes };
}
