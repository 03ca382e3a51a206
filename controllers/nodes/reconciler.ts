import type { V1Node } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { InstanceProvider } from '../../providers/provider.js';
import type { ControllerContext } from '../../src/app/controller-definition.js';
import { errorMessage } from '../../src/errors.js';
import type { CloudInstance } from '../../src/model/instance.js';
import type { Plan } from '../../src/plan.js';
import type { Reconciler, Result } from '../../src/runtime/reconciler.js';

export const NODES_KEY = 'nodes';

export interface ForwardingPass {
  readonly nodes: ReadonlyMap<string, V1Node>;
  /** Instances that may not forward yet, by node name. */
  readonly blocked: ReadonlyMap<string, CloudInstance>;
  readonly plan: Plan<CloudInstance, CloudInstance>;
}

/**
 * Lets every node instance forward packets not addressed to it, which pod traffic over VPC routes needs: on AWS
 * source/destination checks go off; on GCP `canIpForward` can only be reported. One batched describe for all
 * nodes per pass; instances already forwarding cost nothing.
 */
export class ForwardingReconciler implements Reconciler {
  readonly name = 'nodes';
  readonly #context: ControllerContext;
  readonly #instances: InstanceProvider;

  constructor(context: ControllerContext) {
    if (!context.provider.instances)
      throw new Error(`the ${context.provider.name} provider has no instance support`);
    this.#context = context;
    this.#instances = context.provider.instances;
  }

  resyncKeys(): readonly string[] {
    return [NODES_KEY];
  }

  async pass(signal: AbortSignal): Promise<ForwardingPass> {
    const nodes = new Map(
      (this.#context.caches.nodes?.list() ?? []).map((node) => [node.metadata?.name ?? '', node]),
    );
    const instances = await this.#instances.resolveInstances(
      [...nodes.values()].map((node) => ({
        nodeName: node.metadata?.name ?? '',
        providerId: node.spec?.providerID ?? '',
      })),
      signal,
    );
    const blocked = new Map([...instances].filter(([, instance]) => !instance.canForward));
    const actions = [...blocked.values()].map((instance) => ({
      op: 'update' as const,
      id: `${instance.id}/forwarding`,
      desired: { ...instance, canForward: true },
      observed: instance,
      changes: [this.#context.provider.name === 'aws' ? 'SourceDestCheck=false' : 'canIpForward=true'],
    }));
    return { nodes, blocked, plan: { scope: 'node-forwarding', actions, conflicts: [] } };
  }

  async reconcile(_key: string, signal: AbortSignal): Promise<Result> {
    if (!this.#context.config.manageSourceDestCheck) return {};
    const { nodes, blocked } = await this.pass(signal);
    const limit = pLimit(this.#context.config.routeConcurrency);
    const failures: string[] = [];
    await Promise.all(
      [...blocked].map(([nodeName, instance]) =>
        limit(async () => {
          const node = nodes.get(nodeName);
          try {
            const status = await this.#instances.ensureForwarding(instance, signal);
            if (!node) return;
            if (status.changed) {
              this.#context.events.event(
                node,
                'Normal',
                'DisabledSourceDestCheck',
                `Turned source/destination checks off on ${instance.id} so it can forward pod traffic`,
              );
            } else if (!status.canForward) {
              this.#context.events.event(
                node,
                'Warning',
                'ForwardingDisabled',
                `instance ${instance.id} cannot forward packets for other addresses (canIpForward is false); ` +
                  'pod routes to it will drop traffic until the instance is re-created with IP forwarding',
              );
            }
          } catch (error) {
            failures.push(`${nodeName}: ${errorMessage(error)}`);
            if (node) {
              this.#context.events.event(
                node,
                'Warning',
                'FailedToDisableSourceDestCheck',
                `instance ${instance.id}: ${errorMessage(error)}`,
              );
            }
          }
        }),
      ),
    );
    if (failures.length > 0)
      throw new Error(`${failures.length} nodes still check source/destination; first: ${failures[0]}`);
    return {};
  }
}
