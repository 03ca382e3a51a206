import type { V1Node, V1Service } from '@kubernetes/client-node';
import type { InstanceProvider, LoadBalancerProvider } from '../../providers/provider.js';
import type { ControllerContext } from '../../src/app/controller-definition.js';
import { errorMessage, TerminalError } from '../../src/errors.js';
import { addFinalizer, removeFinalizer, serviceFinalizerTarget } from '../../src/kube/finalizers.js';
import { updateServiceStatus } from '../../src/kube/status-writer.js';
import type { L4LoadBalancer, LoadBalancerStatus } from '../../src/model/load-balancer.js';
import { formatStackId, type StackId } from '../../src/model/stack.js';
import type { Plan } from '../../src/plan.js';
import type { Reconciler, Result } from '../../src/runtime/reconciler.js';
import { parseServiceAnnotations } from './annotations.js';
import { buildDesiredL4 } from './desired.js';
import { stableLoadBalancerNodes } from './node-set.js';
import { isManagedService } from './selection.js';

/** The upstream service controller's finalizer, so clusters moving from it keep working. */
export const LOAD_BALANCER_FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

export function serviceKey(service: V1Service): string {
  return `${service.metadata?.namespace ?? ''}/${service.metadata?.name ?? ''}`;
}

function stackOf(key: string): StackId {
  const [namespace = '', name = ''] = key.split('/');
  return { kind: 'service', namespace, name };
}

function sameStatus(service: V1Service, status: LoadBalancerStatus): boolean {
  const current = (service.status?.loadBalancer?.ingress ?? []).map((entry) => ({
    ...(entry.ip ? { ip: entry.ip } : {}),
    ...(entry.hostname ? { hostname: entry.hostname } : {}),
    ...(entry.ipMode ? { ipMode: entry.ipMode } : {}),
  }));
  return JSON.stringify(current) === JSON.stringify(status.ingress);
}

export interface ServicePass {
  readonly service: V1Service | undefined;
  readonly managed: boolean;
  readonly desired: L4LoadBalancer | null;
  readonly plan: Plan;
}

/**
 * One Service's L4 load balancer: finalizer first, then desired → observe → plan → apply, then status and Events.
 * A Service that is gone, deleted, or no longer ours has its owned resources torn down before the finalizer goes.
 */
export class ServicesReconciler implements Reconciler {
  readonly name = 'services';
  readonly #context: ControllerContext;
  readonly #l4: LoadBalancerProvider<L4LoadBalancer, unknown>;
  readonly #instances: InstanceProvider;

  constructor(context: ControllerContext) {
    const { l4, instances } = context.provider;
    if (!l4 || !instances)
      throw new Error(`the ${context.provider.name} provider has no load-balancer support`);
    this.#context = context;
    this.#l4 = l4;
    this.#instances = instances;
  }

  #managed(service: V1Service | undefined): boolean {
    const { config } = this.#context;
    return (
      service !== undefined &&
      !service.metadata?.deletionTimestamp &&
      isManagedService(service, {
        loadBalancerClass: config.loadBalancerClass,
        manageUnclassed: config.manageUnclassedServices,
      })
    );
  }

  /** Keys of the Services we serve, plus (with --gc) every stack that owns cloud resources, live or not. */
  async resyncKeys(): Promise<readonly string[]> {
    const keys = new Set(
      (this.#context.caches.services?.list() ?? [])
        .filter((service) => this.#managed(service))
        .map(serviceKey),
    );
    if (this.#context.config.gc) {
      const owned = await this.#l4.listOwnedStacks(AbortSignal.timeout(60_000));
      for (const stack of owned) if (stack.kind === 'service') keys.add(`${stack.namespace}/${stack.name}`);
    }
    return [...keys];
  }

  async #desired(service: V1Service, signal: AbortSignal): Promise<L4LoadBalancer> {
    // A bad annotation fails here, before any cloud read.
    parseServiceAnnotations(service);
    const nodes: readonly V1Node[] = stableLoadBalancerNodes(this.#context.caches.nodes?.list() ?? []);
    const instances = await this.#instances.resolveInstances(
      nodes.map((node) => ({ nodeName: node.metadata?.name ?? '', providerId: node.spec?.providerID ?? '' })),
      signal,
    );
    const stack = stackOf(serviceKey(service));
    return buildDesiredL4({
      service,
      nodes,
      instanceIds: new Map([...instances].map(([nodeName, instance]) => [nodeName, instance.id])),
      name: this.#l4.nameFor(stack, service.metadata?.uid ?? ''),
      clusterName: this.#context.config.clusterName,
    });
  }

  /** Observe and plan; writes nothing (`skyway plan` stops here). TerminalError for a bad spec. */
  async pass(key: string, signal: AbortSignal): Promise<ServicePass> {
    const service = this.#context.caches.services?.get(key);
    const managed = this.#managed(service);
    const desired = managed && service ? await this.#desired(service, signal) : null;
    const observed = await this.#l4.observe(stackOf(key), signal);
    return { service, managed, desired, plan: this.#l4.plan(desired, observed) };
  }

  async reconcile(key: string, signal: AbortSignal): Promise<Result> {
    const { core, events, logger } = this.#context;
    const service = this.#context.caches.services?.get(key);
    const stack = stackOf(key);
    if (service && this.#managed(service)) {
      // Before any cloud resource exists, so a delete can never orphan one.
      if (!service.metadata?.finalizers?.includes(LOAD_BALANCER_FINALIZER)) {
        await addFinalizer(serviceFinalizerTarget(core, stack), LOAD_BALANCER_FINALIZER);
      }
      let pass: ServicePass;
      try {
        pass = await this.pass(key, signal);
      } catch (error) {
        if (error instanceof TerminalError)
          events.event(service, 'Warning', 'SyncLoadBalancerFailed', error.message);
        throw error;
      }
      if (pass.plan.actions.length > 0)
        events.event(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
      let status: LoadBalancerStatus;
      try {
        status = await this.#l4.apply(pass.plan, signal);
      } catch (error) {
        events.event(
          service,
          'Warning',
          'SyncLoadBalancerFailed',
          `Error syncing load balancer: ${errorMessage(error)}`,
        );
        throw error;
      }
      if (pass.plan.actions.length > 0)
        events.event(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
      if (!sameStatus(service, status)) {
        await updateServiceStatus(core, {
          namespace: stack.namespace,
          name: stack.name,
          mutate: (current) => ({
            ...current,
            status: { ...current.status, loadBalancer: { ingress: [...status.ingress] } },
          }),
        });
      }
      return {};
    }

    // Gone, being deleted, or no longer ours: tear down what we own, then let go of the object.
    const observed = await this.#l4.observe(stack, signal);
    const teardown = this.#l4.plan(null, observed);
    if (teardown.actions.length > 0) {
      if (service) events.event(service, 'Normal', 'DeletingLoadBalancer', 'Deleting load balancer');
      logger.info(
        { controller: this.name, stack: formatStackId(stack), actions: teardown.actions.length },
        'deleting load balancer',
      );
      await this.#l4.apply(teardown, signal);
      if (service) events.event(service, 'Normal', 'DeletedLoadBalancer', 'Deleted load balancer');
    }
    if (service) await this.#letGo(service, stack, teardown.actions.length > 0);
    return {};
  }

  /**
   * The finalizer and status are shared by name with the upstream service controller and others: we let go of
   * them only when they are provably ours — a Service of our class being deleted, a Service that is no longer a
   * LoadBalancer at all, or one whose load balancer we just removed. A Service now served by another controller's
   * class keeps what that controller may have put there.
   */
  async #letGo(service: V1Service, stack: StackId, removedResources: boolean): Promise<void> {
    const { config, core } = this.#context;
    const ourClass = isManagedService(service, {
      loadBalancerClass: config.loadBalancerClass,
      manageUnclassed: config.manageUnclassedServices,
    });
    const noLongerLoadBalancer = service.spec?.type !== 'LoadBalancer';
    if (!ourClass && !noLongerLoadBalancer && !removedResources) return;
    const hasStatus = (service.status?.loadBalancer?.ingress ?? []).length > 0;
    if (!ourClass && hasStatus) {
      await updateServiceStatus(core, {
        namespace: stack.namespace,
        name: stack.name,
        mutate: (current) => ({ ...current, status: { ...current.status, loadBalancer: {} } }),
      });
    }
    // Read from the cache: a Service without the finalizer costs no API call here.
    if (service.metadata?.finalizers?.includes(LOAD_BALANCER_FINALIZER)) {
      await removeFinalizer(serviceFinalizerTarget(core, stack), LOAD_BALANCER_FINALIZER);
    }
  }
}
