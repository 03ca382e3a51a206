import type { V1Service } from '@kubernetes/client-node';

export const DEFAULT_LOAD_BALANCER_CLASS = 'skyway.dev/nlb';

export interface ServiceSelection {
  /** `spec.loadBalancerClass` Skyway serves; default `skyway.dev/nlb` (`--load-balancer-class`). */
  readonly loadBalancerClass?: string;
  /** Also serve Services with no class; default true (`--manage-unclassed-services`). */
  readonly manageUnclassed?: boolean;
}

/**
 * Whether Skyway should have a load balancer for this Service. Deliberately blind to deletionTimestamp: a Service
 * being deleted is still ours until its finalizer is removed.
 */
export function isManagedService(service: V1Service, options: ServiceSelection = {}): boolean {
  if (service.spec?.type !== 'LoadBalancer') return false;
  const ours = options.loadBalancerClass ?? DEFAULT_LOAD_BALANCER_CLASS;
  const requested = service.spec.loadBalancerClass;
  // An empty string is not a valid class (the API server rejects it), but a hand-made object may carry one.
  if (requested === undefined || requested === '') return options.manageUnclassed ?? true;
  return requested === ours;
}
