import type { V1Node, V1Service } from '@kubernetes/client-node';
import { TerminalError } from '../../src/errors.js';
import type { L4LoadBalancer } from '../../src/model/load-balancer.js';
import { parseServiceAnnotations } from './annotations.js';
import { buildHealthCheck } from './health-check.js';
import { stableLoadBalancerNodes } from './node-set.js';
import { buildPorts } from './ports.js';
import { resolveSourceRanges } from './source-ranges.js';
import { checkAttributesForPorts } from './target-group-attributes.js';

export interface BuildDesiredL4Options {
  readonly service: V1Service;
  /** Every Node in the cache; the stable load-balancer node set is chosen here. */
  readonly nodes: readonly V1Node[];
  /** Node name → EC2 instance id; nodes without one are skipped (not yet running, or not ours to resolve). */
  readonly instanceIds: ReadonlyMap<string, string>;
  /** The generated load-balancer name (from the provider); the `aws-load-balancer-name` annotation replaces it. */
  readonly name: string;
  /** Accepted for the provider contract; the pure model needs no cluster-specific value yet. */
  readonly clusterName: string;
}

/**
 * Pure: one Service of type LoadBalancer → the L4 load balancer it should have. Every annotation and spec field is
 * validated here, so bad input is a TerminalError naming the field and never a half-made load balancer.
 */
export function buildDesiredL4(options: BuildDesiredL4Options): L4LoadBalancer {
  const { service } = options;
  if (service.spec?.loadBalancerIP) {
    // As in-tree: an NLB's addresses come from its subnets (or the eip-allocations annotation), never this field.
    throw new TerminalError(
      'spec.loadBalancerIP',
      'cannot be honoured by a Network Load Balancer: use the eip-allocations or private-ipv4-addresses annotation',
    );
  }
  const annotations = parseServiceAnnotations(service);
  const ports = buildPorts(service, annotations);
  checkAttributesForPorts(annotations.targetGroupAttributes, ports);
  return {
    stack: {
      kind: 'service',
      namespace: service.metadata?.namespace ?? '',
      name: service.metadata?.name ?? '',
    },
    name: annotations.name ?? options.name,
    scheme: annotations.scheme,
    ipAddressType: annotations.ipAddressType,
    ports,
    targets: targetInstances(options.nodes, options.instanceIds),
    healthCheck: buildHealthCheck(service, annotations.healthCheck),
    sourceRanges: resolveSourceRanges(service),
    subnets: annotations.subnets,
    eipAllocations: annotations.eipAllocations,
    privateIpv4Addresses: annotations.privateIpv4Addresses,
    crossZone: annotations.crossZone,
    proxyProtocol: annotations.proxyProtocol,
    certificateArn: annotations.certificateArn,
    targetGroupAttributes: annotations.targetGroupAttributes,
    tags: annotations.tags,
  };
}

/** Instance ids of the stable node set, sorted and deduplicated so node order never looks like a change. */
export function targetInstances(
  nodes: readonly V1Node[],
  instanceIds: ReadonlyMap<string, string>,
): string[] {
  const ids = new Set<string>();
  for (const node of stableLoadBalancerNodes(nodes)) {
    const id = instanceIds.get(node.metadata?.name ?? '');
    if (id) ids.add(id);
  }
  return [...ids].sort();
}
