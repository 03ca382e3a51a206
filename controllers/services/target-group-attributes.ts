import { TerminalError } from '../../src/errors.js';
import type { L4Port } from '../../src/model/load-balancer.js';
import { annotationField, ServiceAnnotation } from './annotation-names.js';
import type { AnnotationReader } from './annotation-values.js';

type Check = (value: string) => string | undefined;

const bool: Check = (value) => (value === 'true' || value === 'false' ? undefined : 'must be true or false');
const range =
  (min: number, max: number): Check =>
  (value) =>
    /^\d+$/.test(value) && Number(value) >= min && Number(value) <= max
      ? undefined
      : `must be an integer from ${min} to ${max}`;
const offOr =
  (check: Check): Check =>
  (value) => {
    if (value === 'off') return undefined;
    const problem = check(value);
    return problem && `must be off or ${problem.slice('must be '.length)}`;
  };
const oneOf =
  (...allowed: string[]): Check =>
  (value) =>
    allowed.includes(value) ? undefined : `must be one of ${allowed.join(', ')}`;

/**
 * The target-group attributes an NLB with instance targets accepts, with the value rules of the ELBv2
 * TargetGroupAttribute reference. Unknown keys are refused (as upstream does), so a typo is an Event, not a no-op.
 */
const NLB_TARGET_GROUP_ATTRIBUTES: Readonly<Record<string, Check>> = {
  'deregistration_delay.timeout_seconds': range(0, 3600),
  'deregistration_delay.connection_termination.enabled': bool,
  'preserve_client_ip.enabled': bool,
  'proxy_protocol_v2.enabled': bool,
  'stickiness.enabled': bool,
  'stickiness.type': oneOf('source_ip'),
  'load_balancing.cross_zone.enabled': oneOf('true', 'false', 'use_load_balancer_configuration'),
  'target_health_state.unhealthy.connection_termination.enabled': bool,
  'target_health_state.unhealthy.draining_interval_seconds': range(0, 360000),
  'target_group_health.dns_failover.minimum_healthy_targets.count': offOr(range(1, 1_000_000)),
  'target_group_health.dns_failover.minimum_healthy_targets.percentage': offOr(range(1, 100)),
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.count': range(1, 1_000_000),
  'target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage': offOr(range(1, 100)),
};

export const PROXY_PROTOCOL_ATTRIBUTE = 'proxy_protocol_v2.enabled';

export function parseTargetGroupAttributes(reader: AnnotationReader): Map<string, string> {
  const key = ServiceAnnotation.targetGroupAttributes;
  const attributes = reader.keyValues(key) ?? new Map<string, string>();
  for (const [name, value] of attributes) {
    const check = NLB_TARGET_GROUP_ATTRIBUTES[name];
    if (!check) throw reader.invalid(key, name, 'not a target-group attribute of a Network Load Balancer');
    if (value === '') throw reader.invalid(key, name, 'has no value');
    const problem = check(value);
    if (problem) throw reader.invalid(key, `${name}=${value}`, problem);
  }
  const draining = 'target_health_state.unhealthy.draining_interval_seconds';
  if (
    attributes.has(draining) &&
    attributes.get('target_health_state.unhealthy.connection_termination.enabled') !== 'false'
  ) {
    throw reader.invalid(
      key,
      draining,
      'AWS accepts it only with target_health_state.unhealthy.connection_termination.enabled=false',
    );
  }
  return attributes;
}

/** AWS refuses these on UDP and TCP_UDP target groups; found here, before any target group exists. */
export function checkAttributesForPorts(
  attributes: Readonly<Record<string, string>>,
  ports: readonly L4Port[],
): void {
  const udp = ports.find((port) => port.protocol === 'UDP' || port.protocol === 'TCP_UDP');
  if (!udp) return;
  const field = annotationField(ServiceAnnotation.targetGroupAttributes);
  if (attributes['preserve_client_ip.enabled'] === 'false') {
    throw new TerminalError(
      field,
      `preserve_client_ip.enabled=false: client IP preservation cannot be disabled for UDP (port ${udp.port})`,
    );
  }
  if (attributes['target_health_state.unhealthy.connection_termination.enabled'] === 'true') {
    throw new TerminalError(
      field,
      `target_health_state.unhealthy.connection_termination.enabled=true: not allowed for UDP (port ${udp.port})`,
    );
  }
}
