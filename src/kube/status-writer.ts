import type { CoreV1Api, V1Node, V1Service } from '@kubernetes/client-node';
import { type OptimisticUpdateResult, optimisticUpdate } from './optimistic-update.js';

export { optimisticUpdate as updateStatus } from './optimistic-update.js';

export interface ServiceStatusUpdate {
  readonly namespace: string;
  readonly name: string;
  /** Changes `status` of a freshly read Service and returns it, or returns undefined for no change. */
  readonly mutate: (service: V1Service) => V1Service | undefined;
  /** Default 5. */
  readonly maxAttempts?: number;
}

/**
 * PUTs the status subresource with the resourceVersion that was read, re-reading on 409. Only `status` is taken
 * from the body by the server; spec and metadata changes made by `mutate` are ignored.
 */
export function updateServiceStatus(
  core: CoreV1Api,
  update: ServiceStatusUpdate,
): Promise<OptimisticUpdateResult<V1Service>> {
  const { namespace, name } = update;
  return optimisticUpdate({
    description: `service ${namespace}/${name} status`,
    read: () => core.readNamespacedService({ namespace, name }),
    mutate: update.mutate,
    write: (service) => core.replaceNamespacedServiceStatus({ namespace, name, body: service }),
    maxAttempts: update.maxAttempts,
  });
}

export interface NodeStatusUpdate {
  readonly name: string;
  /** Changes `status` of a freshly read Node and returns it, or returns undefined for no change. */
  readonly mutate: (node: V1Node) => V1Node | undefined;
  /** Default 5. */
  readonly maxAttempts?: number;
}

export function updateNodeStatus(
  core: CoreV1Api,
  update: NodeStatusUpdate,
): Promise<OptimisticUpdateResult<V1Node>> {
  const { name } = update;
  return optimisticUpdate({
    description: `node ${name} status`,
    read: () => core.readNode({ name }),
    mutate: update.mutate,
    write: (node) => core.replaceNodeStatus({ name, body: node }),
    maxAttempts: update.maxAttempts,
  });
}
