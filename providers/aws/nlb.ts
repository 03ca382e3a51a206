import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { L4LoadBalancer } from '../../src/model/load-balancer.js';
import type { LoadBalancerProvider } from '../provider.js';
import { ElbTagReader } from './elb-tags.js';
import { nlbName } from './names.js';
import { applyNlbPlan } from './nlb-apply.js';
import { observeNlb } from './nlb-observe.js';
import { listOwnedNlbStacks } from './nlb-owned-stacks.js';
import { planNlb } from './nlb-plan.js';
import type { ObservedNlb } from './nlb-types.js';
import { NodeSecurityGroups } from './node-security-groups.js';

export interface AwsNlbProviderOptions {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly clusterName: string;
  /** Describes (observe) and independent writes (apply) in flight at once. Default 8. */
  readonly concurrency?: number;
  /** How long the node security-group listing is trusted. Default 30 000 ms. */
  readonly nodeGroupTtlMs?: number;
  /** Milliseconds, for the caches. Default Date.now. */
  readonly now?: () => number;
}

export type AwsNlbProvider = LoadBalancerProvider<L4LoadBalancer, ObservedNlb> & {
  /** Forgets the cached node security groups (tests that change the nodes' groups behind Skyway's back). */
  readonly invalidateNodeGroups: () => void;
};

/**
 * Services of type LoadBalancer as Network Load Balancers: per stack one NLB with its own security group, one
 * target group per target protocol and NodePort (instance targets), one listener per port, and ingress rules on
 * the nodes' security group admitting the load balancer's.
 */
export function createAwsNlbProvider(options: AwsNlbProviderOptions): AwsNlbProvider {
  const concurrency = options.concurrency ?? 8;
  const tags = new ElbTagReader({ elbv2: options.elbv2, ...(options.now ? { now: options.now } : {}) });
  const nodeGroups = new NodeSecurityGroups({
    ec2: options.ec2,
    clusterName: options.clusterName,
    ...(options.nodeGroupTtlMs !== undefined ? { ttlMs: options.nodeGroupTtlMs } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const common = { ec2: options.ec2, elbv2: options.elbv2, clusterName: options.clusterName, tags };
  return {
    nameFor: (stack, uid) => nlbName(stack.namespace, stack.name, uid),
    observe: (stack, signal) => observeNlb({ ...common, nodeGroups, concurrency }, stack, signal),
    plan: (desired, observed) => planNlb({ clusterName: options.clusterName }, desired, observed),
    apply: (plan, signal) => applyNlbPlan({ ...common, concurrency }, plan, signal),
    listOwnedStacks: (signal) => listOwnedNlbStacks(common, signal),
    invalidateNodeGroups: () => nodeGroups.invalidate(),
  };
}
