import { TerminalError } from '../../src/errors.js';
import { annotationField, ServiceAnnotation } from './annotation-names.js';
import type { AnnotationReader } from './annotation-values.js';

const IP_TARGETS_UNSUPPORTED =
  'ip targets are not supported: Skyway registers the nodes as instance targets on their NodePorts (use instance)';

/**
 * Skyway makes one kind of load balancer, an NLB with instance targets. The type annotations are accepted so that a
 * Service written for the in-tree provider (`type: nlb`) or the AWS Load Balancer Controller (`type: external` with
 * `nlb-target-type: instance`) means the same here; anything asking for something else is refused, never ignored.
 */
export function checkLoadBalancerType(reader: AnnotationReader): void {
  const targetType = reader.oneOf(ServiceAnnotation.nlbTargetType, ['instance', 'ip']);
  if (targetType === 'ip') {
    throw new TerminalError(annotationField(ServiceAnnotation.nlbTargetType), IP_TARGETS_UNSUPPORTED);
  }
  const type = reader.string(ServiceAnnotation.type);
  if (type === undefined) return;
  switch (type.toLowerCase()) {
    case 'nlb':
    case 'external':
      return;
    case 'nlb-ip':
      // ALBC's deprecated spelling of `external` + `nlb-target-type: ip`.
      throw new TerminalError(annotationField(ServiceAnnotation.type), IP_TARGETS_UNSUPPORTED);
    default:
      throw reader.invalid(
        ServiceAnnotation.type,
        type,
        'Skyway makes Network Load Balancers only: use nlb, or external with nlb-target-type: instance',
      );
  }
}
