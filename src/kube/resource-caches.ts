import { CoreV1Api, type KubeConfig, type V1Node, type V1Service } from '@kubernetes/client-node';
import type { InformerCache } from './cache-types.js';
import { createInformerCache, type InformerCacheOptions } from './informer-cache.js';
import { typedDecoder } from './typed-decode.js';

/** What a caller may set on a typed cache; the path, list call and decoding come with the kind. */
export type ResourceCacheOptions = Pick<
  InformerCacheOptions<never>,
  'labelSelector' | 'fieldSelector' | 'clock' | 'logger' | 'restartBackoff'
>;

export function createNodeCache(
  kubeConfig: KubeConfig,
  options: ResourceCacheOptions = {},
): InformerCache<V1Node> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return createInformerCache<V1Node>({
    ...options,
    kubeConfig,
    resource: 'nodes',
    path: '/api/v1/nodes',
    list: () => core.listNode({ labelSelector: options.labelSelector, fieldSelector: options.fieldSelector }),
    decode: typedDecoder<V1Node>({ model: 'V1Node', apiVersion: 'v1', kind: 'Node' }),
  });
}

/** Services in all namespaces. */
export function createServiceCache(
  kubeConfig: KubeConfig,
  options: ResourceCacheOptions = {},
): InformerCache<V1Service> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  return createInformerCache<V1Service>({
    ...options,
    kubeConfig,
    resource: 'services',
    path: '/api/v1/services',
    list: () =>
      core.listServiceForAllNamespaces({
        labelSelector: options.labelSelector,
        fieldSelector: options.fieldSelector,
      }),
    decode: typedDecoder<V1Service>({ model: 'V1Service', apiVersion: 'v1', kind: 'Service' }),
  });
}
