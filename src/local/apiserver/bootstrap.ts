import type { JsonObject } from './json.js';
import type { Registry } from './registry.js';
import { resourceByKind } from './resources.js';

/**
 * What a fresh cluster already holds when its API server answers: the system namespaces and, in default,
 * the `kubernetes` Service for the API itself (it takes 10.96.0.1, the first service IP, as there) with the
 * Endpoints and EndpointSlice that point at this server.
 */
export const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

export function bootstrapCluster(
  registry: Registry,
  apiServer: { readonly address: string; readonly port: number },
) {
  const write = { dryRun: false };
  const namespaces = resourceByKind('Namespace')!;
  for (const name of INITIAL_NAMESPACES) registry.create(namespaces, '', { metadata: { name } }, write);
  const https = { name: 'https', port: apiServer.port, protocol: 'TCP' };
  const service: JsonObject = {
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      clusterIP: '10.96.0.1',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: apiServer.port }],
    },
  };
  registry.create(resourceByKind('Service')!, 'default', service, write);
  const endpoints: JsonObject = {
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: apiServer.address }], ports: [https] }],
  };
  registry.create(resourceByKind('Endpoints')!, 'default', endpoints, write);
  const slice: JsonObject = {
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [apiServer.address], conditions: { ready: true } }],
    ports: [https],
  };
  registry.create(resourceByKind('EndpointSlice')!, 'default', slice, write);
}
