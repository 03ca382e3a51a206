/**
 * Security-group rules of an NLB stack, as pure functions. The load balancer has a security group of its own that
 * admits the source ranges on the listener ports; each node security group admits that group on the NodePorts and
 * the health-check port. Client traffic thus reaches NodePorts only through the load balancer.
 */
import type { L4LoadBalancer, L4Port } from '../../src/model/load-balancer.js';
import type { IngressRule, IpProtocol, ObservedRule, ResourceRef } from './nlb-types.js';

/** The IP protocols a listener or target group protocol carries: TLS is TCP on the wire, TCP_UDP is both. */
export function ipProtocols(protocol: L4Port['protocol']): IpProtocol[] {
  switch (protocol) {
    case 'UDP':
      return ['udp'];
    case 'TCP_UDP':
      return ['tcp', 'udp'];
    default:
      return ['tcp'];
  }
}

/** Everyone, when no source range is given: IPv4, and IPv6 too on a dual-stack load balancer. */
export function sourceCidrs(desired: L4LoadBalancer): string[] {
  if (desired.sourceRanges.length > 0) return [...new Set(desired.sourceRanges)];
  return desired.ipAddressType === 'dualstack' ? ['0.0.0.0/0', '::/0'] : ['0.0.0.0/0'];
}

/** The diff key of a rule: protocol, ports and source. A group source that does not exist yet keys by its ref. */
export function ruleKey(rule: IngressRule): string {
  const source =
    'cidr' in rule.source ? rule.source.cidr : `sg:${rule.source.group.id ?? rule.source.group.key}`;
  return `${rule.protocol}/${rule.fromPort}-${rule.toPort}/${source}`;
}

export function observedRuleKey(rule: ObservedRule): string {
  const source = rule.cidr ?? `sg:${rule.sourceGroupId ?? ''}`;
  return `${rule.protocol}/${rule.fromPort}-${rule.toPort}/${source}`;
}

function uniqueRules(rules: readonly IngressRule[]): IngressRule[] {
  const byKey = new Map<string, IngressRule>();
  for (const rule of rules) if (!byKey.has(ruleKey(rule))) byKey.set(ruleKey(rule), rule);
  return [...byKey.values()].sort((a, b) => (ruleKey(a) < ruleKey(b) ? -1 : 1));
}

/** The load balancer's own group: each source range on each listener port. */
export function loadBalancerRules(desired: L4LoadBalancer, stack: string): IngressRule[] {
  const rules: IngressRule[] = [];
  for (const port of desired.ports) {
    for (const protocol of ipProtocols(port.protocol)) {
      for (const cidr of sourceCidrs(desired)) {
        rules.push({
          protocol,
          fromPort: port.port,
          toPort: port.port,
          source: { cidr },
          description: `skyway ${stack}: clients to listener ${port.port}`,
        });
      }
    }
  }
  return uniqueRules(rules);
}

/** A node group: the load balancer's group on every NodePort, and on the health-check port over TCP. */
export function nodeRules(
  desired: L4LoadBalancer,
  stack: string,
  loadBalancerGroup: ResourceRef,
): IngressRule[] {
  const rules: IngressRule[] = [];
  const fromLoadBalancer = (protocol: IpProtocol, port: number, purpose: string): IngressRule => ({
    protocol,
    fromPort: port,
    toPort: port,
    source: { group: loadBalancerGroup },
    description: `skyway ${stack}: ${purpose}`,
  });
  for (const port of desired.ports) {
    for (const protocol of ipProtocols(port.protocol)) {
      rules.push(fromLoadBalancer(protocol, port.nodePort, `load balancer to NodePort ${port.nodePort}`));
    }
    // Health checks are TCP or HTTP(S), so a UDP port's traffic-port check still needs TCP on the NodePort.
    if (desired.healthCheck.port === 'traffic-port') {
      rules.push(fromLoadBalancer('tcp', port.nodePort, 'health checks'));
    }
  }
  if (desired.healthCheck.port !== 'traffic-port') {
    rules.push(fromLoadBalancer('tcp', desired.healthCheck.port, 'health checks'));
  }
  return uniqueRules(rules);
}

export interface RuleDiff {
  readonly authorize: readonly IngressRule[];
  readonly revoke: readonly ObservedRule[];
}

/** What to add and remove so that `observed` (the rules of one group) becomes `desired`. */
export function diffRules(desired: readonly IngressRule[], observed: readonly ObservedRule[]): RuleDiff {
  const observedKeys = new Set(observed.map(observedRuleKey));
  const desiredKeys = new Set(desired.map(ruleKey));
  return {
    authorize: desired.filter((rule) => !observedKeys.has(ruleKey(rule))),
    revoke: observed.filter((rule) => !desiredKeys.has(observedRuleKey(rule))),
  };
}
