/**
 * The contract every cloud implements. This is the only provider file a controller imports: controllers speak in
 * the cloud-neutral model of src/model and never see an SDK.
 *
 * Every reconcile has the same shape (DESIGN.md): observe what exists (few batched reads, owned resources only),
 * plan the smallest set of changes as plain data, apply it idempotently.
 */
import type { CloudInstance, ForwardingStatus, NodeIdentity } from '../src/model/instance.js';
import type { L4LoadBalancer, L7LoadBalancer, LoadBalancerStatus } from '../src/model/load-balancer.js';
import type { DesiredRoute, ObservedRoute, ObservedRoutes } from '../src/model/route.js';
import type { StackId } from '../src/model/stack.js';
import type { Plan } from '../src/plan.js';

export type { CloudErrorKind } from '../src/errors.js';
export { CloudError, CredentialsError, TerminalError } from '../src/errors.js';

export type ProviderName = 'aws' | 'gcp';

/** Pod-CIDR routes: list the cluster's routes, then create, replace and delete through a plan. */
export interface RouteProvider {
  observeRoutes(signal: AbortSignal): Promise<ObservedRoutes>;
  /** Pure: the smallest set of route changes; routes not proven ours appear as conflicts, never as actions. */
  planRoutes(desired: readonly DesiredRoute[], observed: ObservedRoutes): Plan<DesiredRoute, ObservedRoute>;
  applyRoutes(plan: Plan<DesiredRoute, ObservedRoute>, signal: AbortSignal): Promise<RouteApplyResult>;
}

export interface RouteApplyResult {
  /** Node names whose every route now exists (their NetworkUnavailable condition can be cleared). */
  readonly routedNodes: readonly string[];
  readonly failures: readonly { readonly id: string; readonly nodeName: string; readonly error: Error }[];
}

/** Node → instance resolution and packet forwarding. */
export interface InstanceProvider {
  /** Batched: one or a few describe calls for all nodes; nodes that cannot be resolved are absent from the map. */
  resolveInstances(
    nodes: readonly NodeIdentity[],
    signal: AbortSignal,
  ): Promise<ReadonlyMap<string, CloudInstance>>;
  /** AWS turns source/destination checks off; GCP can only report `canIpForward`. */
  ensureForwarding(instance: CloudInstance, signal: AbortSignal): Promise<ForwardingStatus>;
}

/** Observe → plan → apply for one load-balancer stack (a Service or an Ingress group). */
export interface LoadBalancerProvider<D, O> {
  /** Everything this cluster owns for the stack; an empty observation when nothing exists. */
  observe(stack: StackId, signal: AbortSignal): Promise<O>;
  /** Pure. `null` desired tears the stack down. */
  plan(desired: D | null, observed: O): Plan;
  apply(plan: Plan, signal: AbortSignal): Promise<LoadBalancerStatus>;
  /** Stacks that own cloud resources, for garbage collection of objects deleted while Skyway was down. */
  listOwnedStacks(signal: AbortSignal): Promise<readonly StackId[]>;
  /**
   * The deterministic cloud name of the stack's load balancer: stable across restarts, within the cloud's limits,
   * and different for a re-created object (a new UID), so it never clashes with its predecessor.
   */
  nameFor(stack: StackId, uid: string): string;
}

/**
 * One cloud, with the capabilities it implements so far. A controller names the capabilities it needs and the
 * manager refuses to start it (one clear line) on a provider that lacks them.
 */
export interface CloudProvider {
  readonly name: ProviderName;
  readonly instances?: InstanceProvider;
  readonly routes?: RouteProvider;
  readonly l4?: LoadBalancerProvider<L4LoadBalancer, unknown>;
  readonly l7?: LoadBalancerProvider<L7LoadBalancer, unknown>;
  /** Fails with CredentialsError when the cloud cannot be reached with the configured identity. */
  checkCredentials(signal: AbortSignal): Promise<void>;
  close(): void;
}
