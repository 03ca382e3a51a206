import type { V1Node } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { InstanceProvider, RouteProvider } from '../../providers/provider.js';
import type { ControllerContext } from '../../src/app/controller-definition.js';
import { CloudError, errorMessage } from '../../src/errors.js';
import { hasCondition, type NodeConditionUpdate, setNodeCondition } from '../../src/kube/node-conditions.js';
import type { DesiredRoute, ObservedRoute, ObservedRoutes } from '../../src/model/route.js';
import type { Plan } from '../../src/plan.js';
import type { Reconciler, Result } from '../../src/runtime/reconciler.js';
import { buildDesiredRoutes, type DesiredRoutes, podCidrsOf } from './desired.js';
import { NodeBackoff } from './node-backoff.js';

export const ROUTES_KEY = 'routes';
const PROBLEM_KEY = 'routes';

const ROUTE_CREATED: NodeConditionUpdate = {
  type: 'NetworkUnavailable',
  status: 'False',
  reason: 'RouteCreated',
  message: 'Skyway created a route',
};
const NO_ROUTE_CREATED: NodeConditionUpdate = {
  type: 'NetworkUnavailable',
  status: 'True',
  reason: 'NoRouteCreated',
  message: 'Skyway failed to create a route',
};

interface RoutePass {
  readonly nodes: readonly V1Node[];
  readonly desired: DesiredRoutes;
  readonly observed: ObservedRoutes;
  readonly plan: Plan<DesiredRoute, ObservedRoute>;
}

/**
 * One reconcile for all routes: one batched instance resolution, one route-table read, one plan, bounded
 * parallel writes; then each Node's NetworkUnavailable condition and Events. Level-triggered: a node deleted
 * while Skyway was down simply has a stale route at the next pass.
 */
export class RoutesReconciler implements Reconciler {
  readonly name = 'routes';
  readonly #context: ControllerContext;
  readonly #routes: RouteProvider;
  readonly #instances: InstanceProvider;
  readonly #backoff: NodeBackoff;

  constructor(context: ControllerContext, options: { readonly backoff?: NodeBackoff } = {}) {
    const { routes, instances } = context.provider;
    if (!routes || !instances) throw new Error(`the ${context.provider.name} provider has no route support`);
    this.#context = context;
    this.#routes = routes;
    this.#instances = instances;
    this.#backoff = options.backoff ?? new NodeBackoff();
  }

  resyncKeys(): readonly string[] {
    return [ROUTES_KEY];
  }

  /** Observe and plan; writes nothing (`skyway plan` stops here). */
  async pass(signal: AbortSignal): Promise<RoutePass> {
    const nodes = this.#context.caches.nodes?.list() ?? [];
    const routable = nodes.filter((node) => podCidrsOf(node).length > 0);
    const instances = await this.#instances.resolveInstances(
      routable.map((node) => ({
        nodeName: node.metadata?.name ?? '',
        providerId: node.spec?.providerID ?? '',
      })),
      signal,
    );
    const desired = buildDesiredRoutes(routable, instances, this.#context.config.clusterCidr);
    const observed = await this.#routes.observeRoutes(signal);
    return { nodes, desired, observed, plan: this.#routes.planRoutes(desired.routes, observed) };
  }

  async reconcile(_key: string, signal: AbortSignal): Promise<Result> {
    const { metrics, problems, events, logger } = this.#context;
    const { nodes, desired, observed, plan } = await this.pass(signal);
    const byName = new Map(nodes.map((node) => [node.metadata?.name ?? '', node]));
    this.#backoff.retain(new Set(byName.keys()));
    for (const skipped of desired.skipped) {
      const node = byName.get(skipped.nodeName);
      if (skipped.warn && node) events.event(node, 'Warning', skipped.reason, skipped.message);
    }

    metrics.routeTables.set(observed.tables.length);
    if (observed.tables.length === 0) {
      const message = this.#context.config.awsRouteTableIds.length
        ? `none of the route tables ${this.#context.config.awsRouteTableIds.join(', ')} was found`
        : `no route table tagged kubernetes.io/cluster/${this.#context.config.clusterName} was found`;
      problems.report(PROBLEM_KEY, message);
      throw new Error(message);
    }
    problems.clear(PROBLEM_KEY);

    const blocked = new Map<string, string>();
    for (const conflict of plan.conflicts) {
      blocked.set(conflict.object, conflict.message);
      metrics.routeFailures.inc({ reason: 'conflict' });
      const node = byName.get(conflict.object);
      if (node) events.event(node, 'Warning', 'FailedToCreateRoute', conflict.message);
    }

    const now = this.#context.clock.now();
    const deferred = new Set<string>();
    const actions = plan.actions.filter((action) => {
      if (action.op === 'delete') return true;
      const waiting = this.#backoff.isWaiting(action.desired.nodeName, now);
      if (waiting) deferred.add(action.desired.nodeName);
      return !waiting;
    });
    const result = await this.#routes.applyRoutes({ ...plan, actions }, signal);

    const failed = new Map<string, Error>();
    for (const failure of result.failures) {
      failed.set(failure.nodeName, failure.error);
      const reason = failure.error instanceof CloudError ? failure.error.code : 'error';
      metrics.routeFailures.inc({ reason });
      if (reason === 'RouteLimitExceeded') this.#backoff.fail(failure.nodeName, now);
    }
    const changedNodes = new Set(
      actions.flatMap((action) => (action.op === 'delete' ? [] : [action.desired.nodeName])),
    );
    const tablesByNetwork = new Set(observed.tables.map((table) => table.network));

    const limit = pLimit(this.#context.config.routeConcurrency);
    const statusWrites = [...new Set(desired.routes.map((route) => route.nodeName))].map((nodeName) =>
      limit(async () => {
        const node = byName.get(nodeName);
        if (!node) return;
        const routes = desired.routes.filter((route) => route.nodeName === nodeName);
        const error = failed.get(nodeName);
        const problem = error ? errorMessage(error) : blocked.get(nodeName);
        if (problem) {
          if (error) events.event(node, 'Warning', 'FailedToCreateRoute', problem);
          if (!hasCondition(node, NO_ROUTE_CREATED))
            await setNodeCondition(this.#context.core, node, NO_ROUTE_CREATED, new Date(now));
          return;
        }
        if (deferred.has(nodeName) || !routes.every((route) => tablesByNetwork.has(route.network))) return;
        this.#backoff.succeed(nodeName);
        if (changedNodes.has(nodeName)) {
          const cidrs = routes.map((route) => route.destinationCidr).join(', ');
          events.event(
            node,
            'Normal',
            'CreatedRoute',
            `Created route for ${cidrs} to ${routes[0]?.interfaceId}`,
          );
          if (routes.some((route) => !route.clusterOwned)) {
            events.event(
              node,
              'Warning',
              'UntaggedInstance',
              `instance ${routes[0]?.instanceId} lacks the tag kubernetes.io/cluster/${this.#context.config.clusterName}: ` +
                'its route cannot be proven ours, so it will not be cleaned up automatically',
            );
          }
        }
        if (!hasCondition(node, ROUTE_CREATED))
          await setNodeCondition(this.#context.core, node, ROUTE_CREATED, new Date(now));
      }),
    );
    const writes = await Promise.allSettled(statusWrites);
    const writeErrors = writes.flatMap((write) =>
      write.status === 'rejected' ? [errorMessage(write.reason)] : [],
    );

    const retryable = result.failures.filter(
      (failure) => !(failure.error instanceof CloudError && failure.error.code === 'RouteLimitExceeded'),
    );
    if (retryable.length > 0 || writeErrors.length > 0) {
      const details = [
        ...retryable.map((failure) => `${failure.id}: ${errorMessage(failure.error)}`),
        ...writeErrors.map((message) => `node status: ${message}`),
      ];
      logger.warn(
        { controller: this.name, failures: details.length },
        'some routes or node conditions failed',
      );
      throw new Error(`${details.length} route operations failed; first: ${details[0]}`);
    }
    const retryIn = this.#backoff.nextRetryIn(this.#context.clock.now());
    return retryIn === undefined ? {} : { requeueAfterMs: retryIn };
  }
}
