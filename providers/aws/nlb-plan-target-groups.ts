/**
 * Target groups and listeners of an NLB stack, as pure functions: what each should look like, and what differs
 * from what exists. A target group is keyed by its protocol and NodePort (neither can change on an existing one);
 * a listener by its port (one listener per port on an NLB).
 */
import type { L4LoadBalancer, L4Port } from '../../src/model/load-balancer.js';
import { targetGroupName } from './names.js';
import type {
  HealthCheckSpec,
  ObservedHealthCheck,
  ObservedListener,
  ObservedTarget,
  ObservedTargetGroup,
  TargetGroupSpec,
} from './nlb-types.js';

/** The values AWS reports for attributes nobody set; moto leaves some of them out of its answer. */
const TARGET_GROUP_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  'proxy_protocol_v2.enabled': 'false',
  'deregistration_delay.timeout_seconds': '300',
  'preserve_client_ip.enabled': 'true',
};

const LOAD_BALANCER_ATTRIBUTE_DEFAULTS: Readonly<Record<string, string>> = {
  'load_balancing.cross_zone.enabled': 'false',
};

export type TargetProtocol = TargetGroupSpec['protocol'];

/** The NLB terminates TLS; the targets get TCP. */
export function targetProtocol(port: L4Port): TargetProtocol {
  return port.protocol === 'TLS' ? 'TCP' : port.protocol;
}

export function targetGroupKey(port: L4Port): string {
  return `tg/${targetProtocol(port)}/${port.nodePort}`;
}

export function listenerKey(port: number): string {
  return `listener/${port}`;
}

export function healthCheckSpec(desired: L4LoadBalancer): HealthCheckSpec {
  const check = desired.healthCheck;
  return {
    protocol: check.protocol,
    port: String(check.port),
    path: check.protocol === 'TCP' ? undefined : (check.path ?? '/'),
    intervalSeconds: check.intervalSeconds,
    timeoutSeconds: check.timeoutSeconds,
    healthyThreshold: check.healthyThreshold,
    unhealthyThreshold: check.unhealthyThreshold,
  };
}

export function targetGroupAttributes(desired: L4LoadBalancer): Record<string, string> {
  return {
    ...desired.targetGroupAttributes,
    'proxy_protocol_v2.enabled': desired.proxyProtocol ? 'true' : 'false',
  };
}

export function loadBalancerAttributes(desired: L4LoadBalancer): Record<string, string> {
  return desired.crossZone === undefined
    ? {}
    : { 'load_balancing.cross_zone.enabled': desired.crossZone ? 'true' : 'false' };
}

/** One target group per target protocol and NodePort (a TCP and a UDP port may share a NodePort). */
export function desiredTargetGroups(
  desired: L4LoadBalancer,
  tagsFor: (key: string) => Record<string, string>,
): TargetGroupSpec[] {
  const groups = new Map<string, TargetGroupSpec>();
  for (const port of desired.ports) {
    const key = targetGroupKey(port);
    if (groups.has(key)) continue;
    groups.set(key, {
      kind: 'targetGroup',
      key,
      name: targetGroupName(desired.name, targetProtocol(port), port.nodePort),
      protocol: targetProtocol(port),
      port: port.nodePort,
      healthCheck: healthCheckSpec(desired),
      attributes: targetGroupAttributes(desired),
      loadBalancer: { key: 'lb' },
      tags: tagsFor(key),
    });
  }
  return [...groups.values()];
}

/** Names of the health-check fields that differ (HTTP paths only matter for HTTP and HTTPS checks). */
export function healthCheckChanges(desired: HealthCheckSpec, observed: ObservedHealthCheck): string[] {
  const changes: string[] = [];
  if (desired.protocol !== observed.protocol.toUpperCase()) changes.push('protocol');
  if (desired.port !== observed.port) changes.push('port');
  if (desired.protocol !== 'TCP' && desired.path !== observed.path) changes.push('path');
  if (desired.intervalSeconds !== observed.intervalSeconds) changes.push('interval');
  if (desired.timeoutSeconds !== observed.timeoutSeconds) changes.push('timeout');
  if (desired.healthyThreshold !== observed.healthyThreshold) changes.push('healthyThreshold');
  if (desired.unhealthyThreshold !== observed.unhealthyThreshold) changes.push('unhealthyThreshold');
  return changes;
}

/** Keys whose value differs; only the keys Skyway manages are compared, the others are left alone. */
export function attributeChanges(
  desired: Readonly<Record<string, string>>,
  observed: Readonly<Record<string, string>>,
  scope: 'targetGroup' | 'loadBalancer',
): string[] {
  const defaults =
    scope === 'targetGroup' ? TARGET_GROUP_ATTRIBUTE_DEFAULTS : LOAD_BALANCER_ATTRIBUTE_DEFAULTS;
  return Object.entries(desired)
    .filter(([key, value]) => (observed[key] ?? defaults[key]) !== value)
    .map(([key]) => key)
    .sort();
}

/** Whether creating a target group needs an attribute call at all (its defaults may already be right). */
export function nonDefaultAttributes(desired: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(desired).filter(([key, value]) => TARGET_GROUP_ATTRIBUTE_DEFAULTS[key] !== value),
  );
}

function targetKey(target: ObservedTarget): string {
  return `${target.id}:${target.port}`;
}

export function diffTargets(
  desiredIds: readonly string[],
  port: number,
  observed: ObservedTargetGroup | undefined,
): { register: ObservedTarget[]; deregister: ObservedTarget[] } {
  const wanted = [...new Set(desiredIds)].sort().map((id) => ({ id, port }));
  const present = observed?.targets ?? [];
  const presentKeys = new Set(present.map(targetKey));
  const wantedKeys = new Set(wanted.map(targetKey));
  return {
    register: wanted.filter((target) => !presentKeys.has(targetKey(target))),
    deregister: present.filter((target) => !wantedKeys.has(targetKey(target))),
  };
}

/** What a listener needs changed: protocol, certificate (TLS only) or the target group it forwards to. */
export function listenerChanges(
  desired: { protocol: string; certificateArn: string | undefined; targetGroupArn: string | undefined },
  observed: ObservedListener,
): string[] {
  const changes: string[] = [];
  if (desired.protocol !== observed.protocol) changes.push('protocol');
  const certificates = desired.protocol === 'TLS' && desired.certificateArn ? [desired.certificateArn] : [];
  if (certificates.join(',') !== [...observed.certificateArns].sort().join(',')) changes.push('certificate');
  if (desired.targetGroupArn === undefined || desired.targetGroupArn !== observed.targetGroupArn) {
    changes.push('targetGroup');
  }
  return changes;
}
