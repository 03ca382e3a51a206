import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CloudError } from '../../src/errors.js';
import type { ElbTagReader } from './elb-tags.js';
import type { NlbAction, ResourceRef } from './nlb-types.js';
import type { Placement } from './subnets.js';

/** What the steps of one apply share: the clients, and the ids of what earlier steps found or made. */
export interface ApplyContext {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly clusterName: string;
  readonly tags: ElbTagReader;
  readonly signal: AbortSignal;
  /** Resource key (`lb`, `sg`, `tg/TCP/30080`) → id or ARN. */
  readonly ids: Map<string, string>;
  /** The load balancer's VPC: where target groups and the security group go. */
  vpcId: string | undefined;
  /** The DNS name of a load balancer made by this apply. */
  createdDnsName: string | undefined;
  /** Subnets (and their VPC) for a new load balancer, looked up once per apply. */
  placement(): Promise<Placement>;
}

export function resolveRef(context: ApplyContext, ref: ResourceRef): string {
  const id = ref.id ?? context.ids.get(ref.key);
  if (!id) {
    // A plan cut short before the step that makes `ref`: the next reconcile observes and plans again.
    throw new CloudError({
      kind: 'conflict',
      code: 'MissingDependency',
      provider: 'aws',
      operation: 'apply',
      message: `${ref.key} does not exist yet`,
    });
  }
  return id;
}

/** Order of the steps: what a step refers to exists before it, and nothing is deleted while still referenced. */
export function phaseOf(action: NlbAction): number {
  const kind = action.op === 'delete' ? action.observed.kind : action.desired.kind;
  const deleting = action.op === 'delete';
  switch (kind) {
    case 'securityGroup':
      return deleting ? 9 : 0;
    case 'rules':
      return action.op !== 'delete' && action.desired.kind === 'rules' && action.desired.role === 'lb'
        ? 1
        : 7;
    case 'loadBalancer':
      return 2;
    case 'targetGroup':
      return deleting ? 8 : 3;
    case 'targets':
      return 4;
    case 'listener':
      return deleting ? 5 : 6;
  }
}

export function hasCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof CloudError && codes.includes(error.code);
}

export function isKind(error: unknown, kind: CloudError['kind']): boolean {
  return error instanceof CloudError && error.kind === kind;
}
