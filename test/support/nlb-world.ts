import {
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  RunInstancesCommand,
  type SecurityGroupRule,
  type Tag,
} from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { clusterTag, seedVpc } from './ec2-seed.js';

export const NLB_CLUSTER = 'nlbtest';

/** A direct ELBv2 client to moto, for assertions the proxy must not count. */
export function plainElbv2(endpoint: string): ElasticLoadBalancingV2Client {
  return new ElasticLoadBalancingV2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export interface NlbWorld {
  readonly vpcId: string;
  readonly subnetIds: readonly string[];
  /** The nodes' group, tagged for the cluster. */
  readonly nodeGroupId: string;
  /** Cluster nodes, all in `nodeGroupId`. */
  readonly nodes: readonly string[];
}

/**
 * A VPC with two subnets (us-east-1a, us-east-1b) tagged for the cluster and for both load-balancer roles, a
 * cluster-tagged node security group, and `nodeCount` cluster instances in it.
 */
export async function seedNlbWorld(ec2: EC2Client, nodeCount = 3): Promise<NlbWorld> {
  const vpc = await seedVpc(ec2);
  await ec2.send(
    new CreateTagsCommand({
      Resources: [...vpc.subnetIds],
      Tags: [
        clusterTag(NLB_CLUSTER, 'shared'),
        { Key: 'kubernetes.io/role/elb', Value: '1' },
        { Key: 'kubernetes.io/role/internal-elb', Value: '1' },
      ],
    }),
  );
  const group = await ec2.send(
    new CreateSecurityGroupCommand({
      GroupName: `${NLB_CLUSTER}-nodes`,
      Description: 'nodes',
      VpcId: vpc.vpcId,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [clusterTag(NLB_CLUSTER)] }],
    }),
  );
  const nodeGroupId = group.GroupId ?? '';
  const nodes = await runNodes(ec2, {
    subnetId: vpc.subnetIds[0] ?? '',
    groupId: nodeGroupId,
    count: nodeCount,
  });
  return { vpcId: vpc.vpcId, subnetIds: vpc.subnetIds, nodeGroupId, nodes };
}

export async function runNodes(
  ec2: EC2Client,
  options: {
    readonly subnetId: string;
    readonly groupId: string;
    readonly count: number;
    readonly tags?: Tag[];
  },
): Promise<string[]> {
  const run = await ec2.send(
    new RunInstancesCommand({
      ImageId: 'ami-1e749f67',
      InstanceType: 't3.medium',
      MinCount: options.count,
      MaxCount: options.count,
      SubnetId: options.subnetId,
      SecurityGroupIds: [options.groupId],
      TagSpecifications: [{ ResourceType: 'instance', Tags: options.tags ?? [clusterTag(NLB_CLUSTER)] }],
    }),
  );
  return (run.Instances ?? []).map((instance) => instance.InstanceId ?? '');
}

export { desiredNlb, port } from './l4-fixtures.js';

/** What moto holds, read straight from it. */
export interface CloudState {
  readonly loadBalancers: readonly LoadBalancer[];
  readonly listeners: readonly Listener[];
  readonly targetGroups: readonly TargetGroup[];
  /** Target group name → sorted `instance:port`. */
  readonly targets: Readonly<Record<string, string[]>>;
  /** Security group ids other than the default groups and the nodes' group. */
  readonly extraGroups: readonly string[];
  /** Ingress rules (egress left out) of every group. */
  readonly ingress: readonly SecurityGroupRule[];
}

export async function cloudState(
  ec2: EC2Client,
  elbv2: ElasticLoadBalancingV2Client,
  nodeGroupId: string,
): Promise<CloudState> {
  const loadBalancers =
    (await elbv2.send(new DescribeLoadBalancersCommand({ PageSize: 400 }))).LoadBalancers ?? [];
  const listeners: Listener[] = [];
  for (const lb of loadBalancers) {
    listeners.push(
      ...((await elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn })))
        .Listeners ?? []),
    );
  }
  const targetGroups = (await elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const targets: Record<string, string[]> = {};
  for (const tg of targetGroups) {
    const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: tg.TargetGroupArn }));
    targets[tg.TargetGroupName ?? ''] = (health.TargetHealthDescriptions ?? [])
      .map((description) => `${description.Target?.Id}:${description.Target?.Port}`)
      .sort();
  }
  const groups = (await ec2.send(new DescribeSecurityGroupsCommand({}))).SecurityGroups ?? [];
  const extraGroups = groups
    .filter((group) => group.GroupName !== 'default' && group.GroupId !== nodeGroupId)
    .map((group) => group.GroupId ?? '');
  const rules = (await ec2.send(new DescribeSecurityGroupRulesCommand({}))).SecurityGroupRules ?? [];
  return {
    loadBalancers,
    listeners,
    targetGroups,
    targets,
    extraGroups,
    ingress: rules.filter((rule) => !rule.IsEgress),
  };
}

/** `protocol/from-to/source` of each ingress rule of one group, sorted. */
export function rulesOf(state: CloudState, groupId: string): string[] {
  return state.ingress
    .filter((rule) => rule.GroupId === groupId)
    .map(
      (rule) =>
        `${rule.IpProtocol}/${rule.FromPort}-${rule.ToPort}/${rule.CidrIpv4 ?? rule.CidrIpv6 ?? rule.ReferencedGroupInfo?.GroupId}`,
    )
    .sort();
}
