import type { V1Service } from '@kubernetes/client-node';
import { TerminalError } from '../../src/errors.js';
import type { HealthCheck } from '../../src/model/load-balancer.js';
import { annotationField, ServiceAnnotation } from './annotation-names.js';
import type { HealthCheckOverrides } from './health-check-annotations.js';

/** kube-proxy's healthz port and path (`--healthz-bind-address`, default 0.0.0.0:10256). */
export const KUBE_PROXY_HEALTH_PORT = 10256;
export const HEALTHZ_PATH = '/healthz';

/**
 * Defaults, chosen inside the NLB target-group limits (interval 5–300, timeout 2–120 and below the interval,
 * thresholds 2–10): a 10 s interval with 2 failures drains a node in ~20 s once kube-proxy reports it unhealthy;
 * 6 s is AWS's own timeout default for HTTP checks; 2 successes (the minimum) bring a new node in quickly.
 */
export const HEALTH_CHECK_DEFAULTS = {
  intervalSeconds: 10,
  timeoutSeconds: 6,
  healthyThreshold: 2,
  unhealthyThreshold: 2,
} as const;

/**
 * The target-group health check. `externalTrafficPolicy: Local` → HTTP on `spec.healthCheckNodePort` `/healthz`
 * (kube-proxy answers 200 only where the Service has a local endpoint); Cluster → HTTP on kube-proxy's 10256
 * `/healthz` (the node's own ability to proxy, which fails while the node drains: KEP-3836, and in-tree
 * cloud-provider-aws's "Shared" probe mode). Each annotation then overrides its own field.
 */
export function buildHealthCheck(service: V1Service, overrides: HealthCheckOverrides): HealthCheck {
  const defaultPort = defaultHealthCheckPort(service, overrides);
  const protocol = overrides.protocol ?? 'HTTP';
  const port = overrides.port ?? defaultPort;
  const intervalSeconds = overrides.intervalSeconds ?? HEALTH_CHECK_DEFAULTS.intervalSeconds;
  // Keep the default valid under a short interval the user chose (interval 5 → timeout 4).
  const timeoutSeconds =
    overrides.timeoutSeconds ?? Math.min(HEALTH_CHECK_DEFAULTS.timeoutSeconds, intervalSeconds - 1);
  // ELBv2 answers "Health check interval must be greater than the timeout" for NLB target groups too.
  if (timeoutSeconds >= intervalSeconds) {
    throw new TerminalError(
      annotationField(ServiceAnnotation.healthCheckTimeout),
      `${timeoutSeconds} s must be less than the health-check interval (${intervalSeconds} s)`,
    );
  }
  return {
    protocol,
    port,
    ...pathFor(protocol, port === defaultPort, overrides),
    intervalSeconds,
    timeoutSeconds,
    healthyThreshold: overrides.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
    unhealthyThreshold: overrides.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
  };
}

function defaultHealthCheckPort(service: V1Service, overrides: HealthCheckOverrides): number {
  if (service.spec?.externalTrafficPolicy !== 'Local') return KUBE_PROXY_HEALTH_PORT;
  const port = service.spec.healthCheckNodePort;
  // The API server always allocates one for Local; missing means a hand-made object, and only matters when the
  // annotation does not name a port instead.
  if (!port && overrides.port === undefined) {
    throw new TerminalError(
      'spec.healthCheckNodePort',
      `externalTrafficPolicy: Local needs a health-check NodePort (or set ${ServiceAnnotation.healthCheckPort})`,
    );
  }
  return port ?? 0;
}

/**
 * `/healthz` is kube-proxy's path, so it is the default only while the check still goes to kube-proxy's port; a
 * check pointed elsewhere without a path gets AWS's default `/`. TCP checks have no path.
 */
function pathFor(
  protocol: HealthCheck['protocol'],
  onDefaultPort: boolean,
  overrides: HealthCheckOverrides,
): { path?: string } {
  if (protocol === 'TCP') {
    if (overrides.path !== undefined) {
      throw new TerminalError(
        annotationField(ServiceAnnotation.healthCheckPath),
        `a path applies to HTTP and HTTPS health checks only, and ${ServiceAnnotation.healthCheckProtocol} is TCP`,
      );
    }
    return {};
  }
  return { path: overrides.path ?? (onDefaultPort ? HEALTHZ_PATH : '/') };
}
