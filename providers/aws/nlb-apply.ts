import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import type { LoadBalancerStatus } from '../../src/model/load-balancer.js';
import type { Plan } from '../../src/plan.js';
import type { ElbTagReader } from './elb-tags.js';
import { type ApplyContext, phaseOf } from './nlb-apply-context.js';
import { createSecurityGroup, deleteSecurityGroup, syncRules } from './nlb-apply-ec2.js';
import {
  createListener,
  createLoadBalancer,
  createTargetGroup,
  deleteListener,
  deleteLoadBalancer,
  deleteTargetGroup,
  syncTargets,
  updateListener,
  updateLoadBalancer,
  updateTargetGroup,
} from './nlb-apply-elb.js';
import type { NlbAction, NlbPlan } from './nlb-types.js';
import { type Placement, resolvePlacement } from './subnets.js';

export interface NlbApplierOptions {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly clusterName: string;
  readonly tags: ElbTagReader;
  /** Independent steps of one phase in flight at once. */
  readonly concurrency: number;
}

function isNlbPlan(plan: Plan): plan is NlbPlan {
  return typeof (plan as Partial<NlbPlan>).nlb === 'object';
}

/** The ids a plan already knows (of resources that exist), so later steps can refer to them. */
function knownIds(actions: readonly NlbAction[]): Map<string, string> {
  const ids = new Map<string, string>();
  const note = (ref: { key: string; id?: string }) => {
    if (ref.id) ids.set(ref.key, ref.id);
  };
  for (const action of actions) {
    if (action.op === 'delete') continue;
    const spec = action.desired;
    switch (spec.kind) {
      case 'loadBalancer':
        note(spec.securityGroup);
        break;
      case 'targetGroup':
        note(spec.loadBalancer);
        break;
      case 'targets':
        note(spec.targetGroup);
        break;
      case 'listener':
        note(spec.loadBalancer);
        note(spec.targetGroup);
        break;
      case 'rules':
        note(spec.group);
        break;
      case 'securityGroup':
        break;
    }
  }
  return ids;
}

/**
 * Runs an NLB plan phase by phase (security group, its rules, load balancer, target groups, targets, listeners,
 * node rules, then deletions in reverse dependency order); the steps of one phase run concurrently. A failed step
 * stops the apply after its phase: the next reconcile observes what exists and plans the rest, so a crash at any
 * point converges without duplicates.
 */
export async function applyNlbPlan(
  options: NlbApplierOptions,
  plan: Plan,
  signal: AbortSignal,
): Promise<LoadBalancerStatus> {
  const actions = plan.actions as readonly NlbAction[];
  const meta = isNlbPlan(plan) ? plan.nlb : undefined;
  let placement: Promise<Placement> | undefined;
  const context: ApplyContext = {
    ec2: options.ec2,
    elbv2: options.elbv2,
    clusterName: options.clusterName,
    tags: options.tags,
    signal,
    ids: knownIds(actions),
    vpcId: meta?.vpcId,
    createdDnsName: undefined,
    placement() {
      const spec = actions.find((action) => action.op !== 'delete' && action.desired.kind === 'loadBalancer');
      const lb =
        spec && spec.op !== 'delete' && spec.desired.kind === 'loadBalancer' ? spec.desired : undefined;
      placement ??= resolvePlacement(
        {
          ec2: options.ec2,
          clusterName: options.clusterName,
          scheme: lb?.scheme ?? 'internet-facing',
          named: lb?.subnets ?? [],
          vpcId: meta?.clusterVpcId,
        },
        signal,
      );
      return placement;
    },
  };
  const limit = pLimit(options.concurrency);
  const phases = new Map<number, NlbAction[]>();
  for (const action of actions) phases.set(phaseOf(action), [...(phases.get(phaseOf(action)) ?? []), action]);
  for (const phase of [...phases.keys()].sort((a, b) => a - b)) {
    const results = await Promise.allSettled(
      (phases.get(phase) ?? []).map((action) =>
        limit(() => {
          if (signal.aborted) throw signal.reason;
          return runAction(context, action);
        }),
      ),
    );
    const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failure) throw failure.reason;
  }
  if (context.createdDnsName) return { ingress: [{ hostname: context.createdDnsName }] };
  return meta?.status ?? { ingress: [] };
}

async function runAction(context: ApplyContext, action: NlbAction): Promise<void> {
  if (action.op === 'delete') {
    const observed = action.observed;
    switch (observed.kind) {
      case 'loadBalancer':
        return deleteLoadBalancer(context, observed);
      case 'targetGroup':
        return deleteTargetGroup(context, observed);
      case 'listener':
        return deleteListener(context, observed);
      case 'securityGroup':
        return deleteSecurityGroup(context, observed);
      case 'rules':
        return;
    }
  }
  const spec = action.desired;
  switch (spec.kind) {
    case 'securityGroup':
      return createSecurityGroup(context, spec);
    case 'rules':
      return syncRules(context, spec);
    case 'targets':
      return syncTargets(context, spec);
    case 'loadBalancer':
      if (action.op === 'create') return createLoadBalancer(context, spec);
      if (action.op === 'replace' && action.observed.kind === 'loadBalancer') {
        await deleteLoadBalancer(context, action.observed);
        return createLoadBalancer(context, spec);
      }
      if (action.op === 'update' && action.observed.kind === 'loadBalancer') {
        return updateLoadBalancer(context, spec, action.observed, action.changes);
      }
      return;
    case 'targetGroup':
      if (action.op === 'create') return createTargetGroup(context, spec);
      if (action.op === 'update' && action.observed.kind === 'targetGroup') {
        return updateTargetGroup(context, spec, action.observed, action.changes);
      }
      return;
    case 'listener':
      if (action.op === 'create') return createListener(context, spec);
      if (action.op === 'update' && action.observed.kind === 'listener') {
        return updateListener(context, spec, action.observed);
      }
      return;
  }
}
