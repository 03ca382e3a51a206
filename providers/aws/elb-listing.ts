import {
  DescribeSecurityGroupRulesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type Filter,
  type SecurityGroup,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { allPages } from './batches.js';

/** ELBv2's largest page. The SDK paginators leave PageSize out, and the default page is small, so set it. */
const ELB_PAGE_SIZE = 400;

/** Follows ELBv2's `NextMarker` (moto's marker is the last name; a repeated marker ends the walk). */
async function allMarkers<T>(
  fetch: (marker: string | undefined) => Promise<{ items: readonly T[]; next: string | undefined }>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let marker: string | undefined;
  do {
    const page = await fetch(marker);
    items.push(...page.items);
    marker = page.next || undefined;
    if (marker !== undefined) {
      if (seen.has(marker)) break;
      seen.add(marker);
    }
  } while (marker !== undefined);
  return items;
}

/** Every load balancer of the account in the region: ownership is in the tags, so all of them are read. */
export function listLoadBalancers(
  elbv2: ElasticLoadBalancingV2Client,
  signal: AbortSignal,
): Promise<LoadBalancer[]> {
  return allMarkers(async (marker) => {
    const page = await elbv2.send(
      new DescribeLoadBalancersCommand({ PageSize: ELB_PAGE_SIZE, Marker: marker }),
      {
        abortSignal: signal,
      },
    );
    return { items: page.LoadBalancers ?? [], next: page.NextMarker };
  });
}

/**
 * Every target group, not only those attached to an owned load balancer: a group made just before a crash is
 * attached to nothing, and must still be found (and reused or deleted).
 */
export function listTargetGroups(
  elbv2: ElasticLoadBalancingV2Client,
  signal: AbortSignal,
): Promise<TargetGroup[]> {
  return allMarkers(async (marker) => {
    const page = await elbv2.send(
      new DescribeTargetGroupsCommand({ PageSize: ELB_PAGE_SIZE, Marker: marker }),
      {
        abortSignal: signal,
      },
    );
    return { items: page.TargetGroups ?? [], next: page.NextMarker };
  });
}

/** DescribeSecurityGroups and DescribeSecurityGroupRules accept 5..1000. */
const EC2_PAGE_SIZE = 1000;

export function listSecurityGroups(
  ec2: EC2Client,
  filters: Filter[],
  signal: AbortSignal,
): Promise<SecurityGroup[]> {
  return allPages(async (nextToken) => {
    const page = await ec2.send(
      new DescribeSecurityGroupsCommand({
        Filters: filters,
        MaxResults: EC2_PAGE_SIZE,
        NextToken: nextToken,
      }),
      { abortSignal: signal },
    );
    const items = page.SecurityGroups ?? [];
    return page.NextToken ? { items, nextToken: page.NextToken } : { items };
  });
}

export function listSecurityGroupRules(
  ec2: EC2Client,
  filters: Filter[],
  signal: AbortSignal,
): Promise<SecurityGroupRule[]> {
  return allPages(async (nextToken) => {
    const page = await ec2.send(
      new DescribeSecurityGroupRulesCommand({
        Filters: filters,
        MaxResults: EC2_PAGE_SIZE,
        NextToken: nextToken,
      }),
      { abortSignal: signal },
    );
    const items = page.SecurityGroupRules ?? [];
    return page.NextToken ? { items, nextToken: page.NextToken } : { items };
  });
}
