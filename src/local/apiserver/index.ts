import { randomBytes } from 'node:crypto';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createServiceAllocators } from './allocators.js';
import { bootstrapCluster } from './bootstrap.js';
import { createServingCertificates } from './certificates.js';
import type { Interceptor } from './handlers.js';
import { handleRequest } from './handlers.js';
import { buildKubeconfig, writeKubeconfig } from './kubeconfig.js';
import { Registry } from './registry.js';
import { Store } from './store.js';
import { WatchHub } from './watch.js';

/**
 * A local Kubernetes API server for `skyway demo` and the integration tests: HTTPS with its own CA, bearer
 * token auth, an in-memory store with one resourceVersion sequence, list/watch (with 410 Gone once history
 * is compacted), status subresources, finalizers, optimistic concurrency, and Service IP/port allocation.
 *
 * Where it knowingly differs from kube-apiserver: no field schemas (unknown fields are kept, even with
 * fieldValidation=Strict; `kubectl explain` has nothing to show); server-side apply tracks appliers' fields
 * only (no conflicts with other managers, no managedFields); protobuf is accepted only for the request bodies
 * kubectl's typed clients send (replies are JSON); no controllers run (no GC, no Endpoints for Services, no
 * ServiceAccount tokens); no authorization APIs (`kubectl auth can-i` 404s).
 */
export interface LocalApiServerOptions {
  readonly host?: string; // default '127.0.0.1'
  readonly port?: number; // default 0 = a free port
  readonly token?: string; // bearer token required on every request (401 Status otherwise); default random
  readonly kubeconfigPath?: string; // when set, a kubeconfig (server URL, CA data, token) is written there (mode 0600)
  readonly historyLimit?: number; // watch events kept per server; a watch from an older resourceVersion gets 410 (default 1000)
  readonly bookmarkIntervalMs?: number; // BOOKMARK period for watches that asked allowWatchBookmarks=true (default 10000)
}

export interface LocalApiServer {
  readonly url: string; // https://127.0.0.1:PORT
  readonly caPem: string; // the CA generated at start; the serving cert (SAN IP 127.0.0.1 + DNS localhost) is signed by it
  readonly token: string;
  readonly kubeconfigPath: string | undefined;
  kubeconfigYaml(): string; // the kubeconfig text (cluster 'skyway-local', user, context, current-context)
  compactHistory(): void; // forget all watch history, like etcd compaction: any watch from an older RV gets 410 Gone
  closeWatches(): void; // end every open watch stream (clients must re-watch)
  /** Fault injection for tests: runs before each request; return a response to short-circuit, or undefined to continue. */
  intercept(fn: Interceptor): () => void;
  stop(): Promise<void>; // closes the listener and all open watches; resolves when closed
}

export type { Interceptor, InterceptRequest, InterceptResponse } from './handlers.js';

export async function startLocalApiServer(options: LocalApiServerOptions = {}): Promise<LocalApiServer> {
  const host = options.host ?? '127.0.0.1';
  const token = options.token ?? randomBytes(24).toString('hex');
  const store = new Store(options.historyLimit ?? 1000);
  const registry = new Registry({ store, allocators: createServiceAllocators() });
  const watches = new WatchHub(store, options.bookmarkIntervalMs ?? 10_000);
  const interceptors = new Set<Interceptor>();
  const certificates = await createServingCertificates();

  let serverAddress = '';
  const server = createServer({ cert: certificates.certPem, key: certificates.keyPem }, (req, res) => {
    void handleRequest(
      { registry, now: Date.now, watches, token, interceptors, serverAddress: () => serverAddress },
      req,
      res,
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  serverAddress = `${host}:${port}`;
  bootstrapCluster(registry, { address: host, port });
  const url = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const kubeconfigText = buildKubeconfig({ url, caPem: certificates.caPem, token });
  if (options.kubeconfigPath !== undefined) await writeKubeconfig(options.kubeconfigPath, kubeconfigText);

  let stopping: Promise<void> | undefined;
  return {
    url,
    caPem: certificates.caPem,
    token,
    kubeconfigPath: options.kubeconfigPath,
    kubeconfigYaml: () => kubeconfigText,
    compactHistory: () => store.compact(),
    closeWatches: () => watches.closeAll(),
    intercept(fn) {
      interceptors.add(fn);
      return () => {
        interceptors.delete(fn);
      };
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        watches.closeAll();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
  };
}
