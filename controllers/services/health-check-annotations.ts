import type { HealthCheck } from '../../src/model/load-balancer.js';
import { ServiceAnnotation } from './annotation-names.js';
import type { AnnotationReader } from './annotation-values.js';

/** What the health-check annotations ask for; each one overrides the default of the same field. */
export interface HealthCheckOverrides {
  readonly protocol?: HealthCheck['protocol'];
  readonly port?: HealthCheck['port'];
  readonly path?: string;
  readonly intervalSeconds?: number;
  readonly timeoutSeconds?: number;
  readonly healthyThreshold?: number;
  readonly unhealthyThreshold?: number;
}

// The ranges are the ELBv2 CreateTargetGroup limits for NLB target groups: interval 5–300 s, timeout 2–120 s (the
// timeout became configurable for NLB in November 2022), thresholds 2–10 each.
export function parseHealthCheckOverrides(reader: AnnotationReader): HealthCheckOverrides {
  const limits = 'the NLB target-group limit';
  return {
    protocol: reader.oneOf(ServiceAnnotation.healthCheckProtocol, ['TCP', 'HTTP', 'HTTPS']),
    port: parsePort(reader),
    path: parsePath(reader),
    intervalSeconds: reader.integer(ServiceAnnotation.healthCheckInterval, 5, 300, limits),
    timeoutSeconds: reader.integer(ServiceAnnotation.healthCheckTimeout, 2, 120, limits),
    healthyThreshold: reader.integer(ServiceAnnotation.healthCheckHealthyThreshold, 2, 10, limits),
    unhealthyThreshold: reader.integer(ServiceAnnotation.healthCheckUnhealthyThreshold, 2, 10, limits),
  };
}

function parsePort(reader: AnnotationReader): HealthCheck['port'] | undefined {
  const key = ServiceAnnotation.healthCheckPort;
  const text = reader.string(key);
  if (text === undefined) return undefined;
  if (text.toLowerCase() === 'traffic-port') return 'traffic-port';
  return reader.integer(key, 1, 65535, 'a port number, or traffic-port for each target group’s own NodePort');
}

/** ELBv2 takes a path of 1–1024 characters starting with `/`; whitespace would never reach the target intact. */
function parsePath(reader: AnnotationReader): string | undefined {
  const key = ServiceAnnotation.healthCheckPath;
  const text = reader.string(key);
  if (text === undefined) return undefined;
  if (!text.startsWith('/')) throw reader.invalid(key, text, 'must start with /');
  if (text.length > 1024) throw reader.invalid(key, text, 'must be at most 1024 characters');
  if (/[\s\p{Cc}]/u.test(text))
    throw reader.invalid(key, text, 'must not contain spaces or control characters');
  return text;
}
