import type { V1Node } from '@kubernetes/client-node';
import { cidrContains, type ParsedCidr, parseCidr } from '../../src/cidr.js';
import type { CloudInstance } from '../../src/model/instance.js';
import type { DesiredRoute } from '../../src/model/route.js';

/** A Node that gets no route this time, and why; `warn` ones become Warning Events on the Node. */
export interface SkippedNode {
  readonly nodeName: string;
  readonly reason: 'NoPodCIDR' | 'InstanceNotFound' | 'InvalidPodCIDR' | 'PodCIDROutsideClusterCIDR';
  readonly message: string;
  readonly warn: boolean;
}

export interface DesiredRoutes {
  readonly routes: readonly DesiredRoute[];
  readonly skipped: readonly SkippedNode[];
}

/** `spec.podCIDRs`, falling back to the older single `spec.podCIDR`. */
export function podCidrsOf(node: V1Node): readonly string[] {
  const list = node.spec?.podCIDRs ?? [];
  if (list.length > 0) return list;
  return node.spec?.podCIDR ? [node.spec.podCIDR] : [];
}

/**
 * Pure: one route per pod CIDR of every Node that has an instance, control-plane nodes included. Only CIDRs
 * inside the cluster CIDRs are ever managed; a malformed podCIDR is reported, never a crash.
 */
export function buildDesiredRoutes(
  nodes: readonly V1Node[],
  instances: ReadonlyMap<string, CloudInstance>,
  clusterCidrs: readonly string[],
): DesiredRoutes {
  const cluster = clusterCidrs.map(parseCidr).filter((cidr): cidr is ParsedCidr => cidr !== undefined);
  const routes: DesiredRoute[] = [];
  const skipped: SkippedNode[] = [];
  for (const node of [...nodes].sort((a, b) =>
    (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  )) {
    const nodeName = node.metadata?.name ?? '';
    const podCidrs = podCidrsOf(node);
    if (podCidrs.length === 0) {
      skipped.push({
        nodeName,
        reason: 'NoPodCIDR',
        message: 'the node has no spec.podCIDRs yet',
        warn: false,
      });
      continue;
    }
    const instance = instances.get(nodeName);
    if (!instance) {
      skipped.push({
        nodeName,
        reason: 'InstanceNotFound',
        message: node.spec?.providerID
          ? `no running instance found for spec.providerID ${node.spec.providerID}`
          : 'no spec.providerID and no instance with this private DNS name',
        warn: false,
      });
      continue;
    }
    for (const [index, text] of podCidrs.entries()) {
      const cidr = parseCidr(text);
      if (!cidr) {
        skipped.push({
          nodeName,
          reason: 'InvalidPodCIDR',
          message: `spec.podCIDRs[${index}]: "${text}" is not a CIDR`,
          warn: true,
        });
        continue;
      }
      if (!cluster.some((range) => cidrContains(range, cidr))) {
        skipped.push({
          nodeName,
          reason: 'PodCIDROutsideClusterCIDR',
          message: `spec.podCIDRs[${index}]: ${cidr.text} is outside --cluster-cidr (${clusterCidrs.join(', ')}); not routed`,
          warn: true,
        });
        continue;
      }
      routes.push({
        nodeName,
        destinationCidr: cidr.text,
        family: cidr.family,
        instanceId: instance.id,
        interfaceId: instance.primaryInterfaceId,
        network: instance.network,
        clusterOwned: instance.clusterOwned,
      });
    }
  }
  return { routes, skipped };
}
