import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseStackId, type StackId } from '../../src/model/stack.js';
import {
  listLoadBalancers,
  listSecurityGroupRules,
  listSecurityGroups,
  listTargetGroups,
} from './elb-listing.js';
import type { ElbTagReader } from './elb-tags.js';
import { clusterTagKey, isClusterOwned, STACK_TAG, type TagsLike, tagMap } from './tags.js';

/**
 * Every stack that still owns a load balancer, target group, security group or rule in this cluster: what garbage
 * collection checks against the live objects. One listing of each kind, tags cached per ARN.
 */
export async function listOwnedNlbStacks(
  options: {
    readonly elbv2: ElasticLoadBalancingV2Client;
    readonly ec2: EC2Client;
    readonly clusterName: string;
    readonly tags: ElbTagReader;
  },
  signal: AbortSignal,
): Promise<StackId[]> {
  const byCluster = [{ Name: 'tag-key', Values: [STACK_TAG] }];
  const [loadBalancers, targetGroups, groups, rules] = await Promise.all([
    listLoadBalancers(options.elbv2, signal),
    listTargetGroups(options.elbv2, signal),
    listSecurityGroups(
      options.ec2,
      [...byCluster, { Name: 'tag-key', Values: [clusterTagKey(options.clusterName)] }],
      signal,
    ),
    listSecurityGroupRules(options.ec2, byCluster, signal),
  ]);
  const arns = [
    ...loadBalancers.map((lb) => lb.LoadBalancerArn ?? ''),
    ...targetGroups.map((tg) => tg.TargetGroupArn ?? ''),
  ].filter((arn) => arn !== '');
  const elbTags = await options.tags.tags(arns, signal);
  const stacks = new Map<string, StackId>();
  const consider = (tags: TagsLike) => {
    if (!isClusterOwned(tags, options.clusterName)) return;
    const text = tagMap(tags).get(STACK_TAG);
    const stack = text === undefined ? undefined : parseStackId(text);
    if (text !== undefined && stack) stacks.set(text, stack);
  };
  for (const tags of elbTags.values()) consider(tags);
  for (const group of groups) consider(group.Tags);
  for (const rule of rules) consider(rule.Tags);
  return [...stacks.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, stack]) => stack);
}
