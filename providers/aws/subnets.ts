import { DescribeSubnetsCommand, type EC2Client, type Filter, type Subnet } from '@aws-sdk/client-ec2';
import { CloudError, TerminalError } from '../../src/errors.js';
import { allPages } from './batches.js';
import { isClusterMember } from './tags.js';

/** The role tags cloud-provider-aws and the AWS Load Balancer Controller read (any value, `1` by convention). */
export const ELB_ROLE_TAG = 'kubernetes.io/role/elb';
export const INTERNAL_ELB_ROLE_TAG = 'kubernetes.io/role/internal-elb';

export interface Placement {
  readonly subnetIds: readonly string[];
  readonly vpcId: string;
}

async function describeSubnets(ec2: EC2Client, filters: Filter[], signal: AbortSignal): Promise<Subnet[]> {
  return allPages(async (nextToken) => {
    const page = await ec2.send(
      new DescribeSubnetsCommand({ Filters: filters, MaxResults: 1000, NextToken: nextToken }),
      {
        abortSignal: signal,
      },
    );
    const items = page.Subnets ?? [];
    return page.NextToken ? { items, nextToken: page.NextToken } : { items };
  });
}

/** One subnet per zone, the lowest id first, so every reconcile picks the same ones. */
function onePerZone(subnets: readonly Subnet[]): Subnet[] {
  const byZone = new Map<string, Subnet>();
  for (const subnet of [...subnets].sort((a, b) => ((a.SubnetId ?? '') < (b.SubnetId ?? '') ? -1 : 1))) {
    const zone = subnet.AvailabilityZone ?? '';
    if (!byZone.has(zone)) byZone.set(zone, subnet);
  }
  return [...byZone.values()];
}

function placementOf(subnets: readonly Subnet[]): Placement {
  return { subnetIds: subnets.map((subnet) => subnet.SubnetId ?? ''), vpcId: subnets[0]?.VpcId ?? '' };
}

/**
 * The subnets of a new load balancer: those named (by id or Name tag), or else those tagged with the scheme's role
 * tag and the cluster tag, in the cluster's VPC, one per zone.
 */
export async function resolvePlacement(
  options: {
    readonly ec2: EC2Client;
    readonly clusterName: string;
    readonly scheme: 'internet-facing' | 'internal';
    readonly named: readonly string[];
    readonly vpcId: string | undefined;
  },
  signal: AbortSignal,
): Promise<Placement> {
  const { ec2 } = options;
  const vpcFilter: Filter[] = options.vpcId ? [{ Name: 'vpc-id', Values: [options.vpcId] }] : [];
  if (options.named.length > 0) {
    const ids = options.named.filter((name) => name.startsWith('subnet-'));
    const names = options.named.filter((name) => !name.startsWith('subnet-'));
    const found = [
      ...(ids.length > 0 ? await describeSubnets(ec2, [{ Name: 'subnet-id', Values: ids }], signal) : []),
      ...(names.length > 0
        ? await describeSubnets(ec2, [...vpcFilter, { Name: 'tag:Name', Values: names }], signal)
        : []),
    ];
    const missing = options.named.filter(
      (name) =>
        !found.some(
          (subnet) =>
            subnet.SubnetId === name || subnet.Tags?.some((tag) => tag.Key === 'Name' && tag.Value === name),
        ),
    );
    if (missing.length > 0)
      throw new TerminalError('subnets', `no subnet with id or Name tag ${missing.join(', ')}`);
    const unique = [...new Map(found.map((subnet) => [subnet.SubnetId, subnet])).values()];
    return placementOf(unique);
  }
  const roleTag = options.scheme === 'internal' ? INTERNAL_ELB_ROLE_TAG : ELB_ROLE_TAG;
  const tagged = await describeSubnets(ec2, [...vpcFilter, { Name: 'tag-key', Values: [roleTag] }], signal);
  const candidates = tagged.filter((subnet) => isClusterMember(subnet.Tags, options.clusterName));
  if (candidates.length === 0) {
    throw new CloudError({
      kind: 'invalid',
      code: 'NoSubnetsFound',
      provider: 'aws',
      operation: 'ec2:DescribeSubnets',
      message: `no subnet tagged ${roleTag} and kubernetes.io/cluster/${options.clusterName}${options.vpcId ? ` in ${options.vpcId}` : ''}; tag the subnets or name them in the subnets annotation`,
    });
  }
  return placementOf(onePerZone(candidates));
}
