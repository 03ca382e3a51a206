import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import {
  type LocalApiServer,
  type LocalApiServerOptions,
  startLocalApiServer,
} from '../../src/local/apiserver/index.js';

export interface TestCluster {
  readonly server: LocalApiServer;
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
}

/** A local API server with a client-node KubeConfig for it, and the namespaces a test needs created. */
export async function startTestCluster(
  options: LocalApiServerOptions & { readonly namespaces?: readonly string[] } = {},
): Promise<TestCluster> {
  const { namespaces = [], ...serverOptions } = options;
  const server = await startLocalApiServer(serverOptions);
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(server.kubeconfigYaml());
  const core = kubeConfig.makeApiClient(CoreV1Api);
  for (const name of namespaces) await core.createNamespace({ body: { metadata: { name } } });
  return { server, kubeConfig, core };
}
