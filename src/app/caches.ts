import type { KubeConfig } from '@kubernetes/client-node';
import { createNodeCache, createServiceCache } from '../kube/resource-caches.js';
import type { Logger } from '../observability/logger.js';
import type { CacheName, CacheSet, ControllerDefinition } from './controller-definition.js';

/** The caches the given controllers inform on, and no others, so RBAC can stay least-privilege. */
export function createCaches(
  kubeConfig: KubeConfig,
  definitions: readonly ControllerDefinition[],
  logger: Logger,
): Partial<CacheSet> {
  const needed = new Set<CacheName>(definitions.flatMap((definition) => definition.informs));
  const caches: { -readonly [K in CacheName]?: CacheSet[K] } = {};
  if (needed.has('nodes'))
    caches.nodes = createNodeCache(kubeConfig, { logger: logger.child({ cache: 'nodes' }) });
  if (needed.has('services')) {
    caches.services = createServiceCache(kubeConfig, { logger: logger.child({ cache: 'services' }) });
  }
  return caches;
}

export function cacheList(caches: Partial<CacheSet>) {
  return Object.values(caches).filter((cache) => cache !== undefined);
}

/** A provider that lacks a capability a controller needs is a configuration error, said once at start. */
export function missingCapabilities(
  definitions: readonly ControllerDefinition[],
  has: (capability: ControllerDefinition['requires'][number]) => boolean,
): string | undefined {
  for (const definition of definitions) {
    const missing = definition.requires.filter((capability) => !has(capability));
    if (missing.length > 0) return `controller "${definition.name}" needs ${missing.join(', ')} support`;
  }
  return undefined;
}
