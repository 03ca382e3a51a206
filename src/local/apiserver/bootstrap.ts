import type { JsonObject } from './json.js';
import type { Registry } from './registry.js';
import { resourceByKind } from './resources.js';

/**
 * What a fresh cluster already holds when its API server answers: the system namespaces and, in default,
 * the `kubernetes` Service for the API itself (it takes 10.96.0.1, the first service IP, as there).
 */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export function bootstrapCluster(registry: Registry): void {
  const namespaces = resourceByKind('Namespace')!;
  for (const name of INITIAL_NAMESPACES) {
    registry.create(namespaces, '', { metadata: { name } }, { dryRun: false });
  }
  const kubernetesService: JsonObject = {
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  };
  registry.create(resourceByKind('Service')!, 'default', kubernetesService, { dryRun: false });
}
