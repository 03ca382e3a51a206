import type { EC2Client } from '@aws-sdk/client-ec2';
import { type ParsedCidr, parseCidr } from '../../src/cidr.js';
import type { RouteProvider } from '../provider.js';
import type { InstanceDirectory } from './instance-directory.js';
import { applyRoutePlan } from './route-apply.js';
import { observeRouteTables } from './route-observe.js';
import { planRouteChanges } from './route-plan.js';

export interface AwsRouteProviderOptions {
  readonly ec2: EC2Client;
  readonly directory: InstanceDirectory;
  readonly clusterName: string;
  /** Pod ranges (`--cluster-cidr`); routes outside them are never read as ours, changed or deleted. */
  readonly clusterCidrs: readonly string[];
  /** Exactly these route tables; empty or absent = the tables tagged for the cluster. */
  readonly routeTableIds?: readonly string[];
  /** Route writes in flight at once. Default 20. */
  readonly concurrency?: number;
}

/**
 * Pod-CIDR routes in the cluster's VPC route tables: one paginated DescribeRouteTables per observe, a pure plan,
 * then CreateRoute / ReplaceRoute / DeleteRoute targeting each node's primary ENI.
 */
export function createAwsRouteProvider(options: AwsRouteProviderOptions): RouteProvider {
  const clusterCidrs = options.clusterCidrs.map((text) => {
    const cidr = parseCidr(text);
    if (!cidr) throw new Error(`cluster CIDR "${text}" is not a CIDR`);
    return cidr;
  }) satisfies ParsedCidr[];
  const observer = {
    ec2: options.ec2,
    directory: options.directory,
    clusterName: options.clusterName,
    clusterCidrs,
    routeTableIds: options.routeTableIds ?? [],
  };
  const applier = { ec2: options.ec2, concurrency: options.concurrency ?? 20 };
  return {
    observeRoutes: (signal) => observeRouteTables(observer, signal),
    planRoutes: (desired, observed) =>
      planRouteChanges({ desired, observed, clusterCidrs: clusterCidrs.map((cidr) => cidr.text) }),
    applyRoutes: (plan, signal) => applyRoutePlan(applier, plan, signal),
  };
}
