import type { V1Node } from '@kubernetes/client-node';
import { parseGoBool } from './go-bool.js';

/** `v1.LabelNodeExcludeBalancers` in k8s.io/api. */
export const EXCLUDE_FROM_LOAD_BALANCERS_LABEL = 'node.kubernetes.io/exclude-from-external-load-balancers';
/** The taint the cluster autoscaler sets before it removes a node. */
export const TO_BE_DELETED_TAINT = 'ToBeDeletedByClusterAutoscaler';

/**
 * The stable load-balancer node set of kubernetes/cloud-provider's service controller (KEP-3458, default since 1.30:
 * `stableNodeSetPredicates` = nodeNotDeletedPredicate, nodeIncludedPredicate, nodeUnTaintedPredicate). Readiness is
 * deliberately not a predicate: a NotReady node stays registered and the load balancer's health check decides, so
 * a flapping kubelet does not churn every target group.
 */
export function isLoadBalancerNode(node: V1Node): boolean {
  if (node.metadata?.deletionTimestamp) return false;
  if (!isIncluded(node)) return false;
  return !(node.spec?.taints ?? []).some((taint) => taint.key === TO_BE_DELETED_TAINT);
}

/** The node set, sorted by name so that everything derived from it is stable. */
export function stableLoadBalancerNodes(nodes: readonly V1Node[]): V1Node[] {
  return nodes
    .filter(isLoadBalancerNode)
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

/**
 * Upstream's nodeIncludedPredicate parses the label value with strconv.ParseBool: "false" (or "0", "f", …) keeps the
 * node, "true" excludes it, and a value that is not a boolean excludes it too (the label's presence is the intent).
 */
function isIncluded(node: V1Node): boolean {
  const value = node.metadata?.labels?.[EXCLUDE_FROM_LOAD_BALANCERS_LABEL];
  if (value === undefined) return true;
  return parseGoBool(value) === false;
}
