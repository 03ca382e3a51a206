import { Writable } from 'node:stream';
import { CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, type V1Node } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CacheEventHandler, InformerCache } from '../../src/kube/cache-types.js';
import { createNodeCache, createServiceCache } from '../../src/kube/resource-caches.js';
import { type InterceptRequest, startLocalApiServer } from '../../src/local/apiserver/index.js';
import { createLogger } from '../../src/observability/logger.js';
import { waitFor } from '../support/wait-for.js';

type Server = Awaited<ReturnType<typeof startLocalApiServer>>;

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const fastRestart = { restartBackoff: { initialMs: 50, maxMs: 200 } };

function isWatch(request: InterceptRequest): boolean {
  return request.query.get('watch') === 'true';
}

/** A logger whose messages the test can read back. */
function capturedLogger() {
  const messages: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      messages.push((JSON.parse(String(chunk)) as { msg: string }).msg);
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), messages };
}

/** Every event a cache delivered, as `add:n1`, `update:n1`, `delete:n1`. */
function recordEvents<T extends V1Node>(cache: InformerCache<T>) {
  const events: string[] = [];
  const previous: Record<string, T> = {};
  const handler: CacheEventHandler<T> = {
    onAdd: (o) => events.push(`add:${o.metadata?.name}`),
    onUpdate: (o, prev) => {
      events.push(`update:${o.metadata?.name}`);
      previous[o.metadata?.name ?? ''] = prev;
    },
    onDelete: (o) => events.push(`delete:${o.metadata?.name}`),
  };
  cache.addHandler(handler);
  return { events, previous };
}

describe('informer cache against the local API server', () => {
  let server: Server;
  let kubeConfig: KubeConfig;
  let core: CoreV1Api;
  const caches: { stop(): void }[] = [];
  let unintercept: (() => void) | undefined;

  function track<T extends { stop(): void }>(cache: T): T {
    caches.push(cache);
    return cache;
  }

  async function createNode(name: string, labels: Record<string, string> = {}) {
    return core.createNode({ body: { metadata: { name, labels }, spec: { podCIDR: '10.244.0.0/24' } } });
  }

  beforeAll(async () => {
    server = await startLocalApiServer({});
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(server.kubeconfigYaml());
    core = kubeConfig.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    unintercept?.();
    unintercept = undefined;
    for (const cache of caches.splice(0)) cache.stop();
    const nodes = await core.listNode();
    await Promise.all(nodes.items.map((n) => core.deleteNode({ name: n.metadata?.name ?? '' })));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('resolves start() once the first list is in, with typed objects', async () => {
    await createNode('n1');
    await createNode('n2');
    const cache = track(createNodeCache(kubeConfig, fastRestart));
    expect(cache.hasSynced()).toBe(false);
    await cache.start();
    expect(cache.hasSynced()).toBe(true);
    expect(
      cache
        .list()
        .map((n) => n.metadata?.name)
        .sort(),
    ).toEqual(['n1', 'n2']);
    const n1 = cache.get('n1');
    expect(n1?.kind).toBe('Node');
    expect(n1?.apiVersion).toBe('v1');
    expect(n1?.metadata?.creationTimestamp).toBeInstanceOf(Date);
  });

  it('delivers add, update (only on a new resourceVersion) and delete', async () => {
    const cache = track(createNodeCache(kubeConfig, fastRestart));
    const { events, previous } = recordEvents(cache);
    await cache.start();
    await createNode('n3', { role: 'a' });
    await waitFor(() => cache.get('n3'));
    await core.patchNode({ name: 'n3', body: { metadata: { labels: { role: 'b' } } } }, mergePatch);
    await waitFor(() => cache.get('n3')?.metadata?.labels?.role === 'b');
    // Watched objects have the listed objects' shape.
    expect(cache.get('n3')?.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(previous.n3?.metadata?.labels?.role).toBe('a');
    await core.deleteNode({ name: 'n3' });
    await waitFor(() => cache.get('n3') === undefined);
    expect(events).toEqual(['add:n3', 'update:n3', 'delete:n3']);
  });

  it('relists after the history is compacted: what was deleted meanwhile yields onDelete', async () => {
    await createNode('keep');
    await createNode('doomed');
    const { logger, messages } = capturedLogger();
    const cache = track(createNodeCache(kubeConfig, { ...fastRestart, logger }));
    const { events } = recordEvents(cache);
    await cache.start();
    events.length = 0;

    let lists = 0;
    let releaseWatch: (() => void) | undefined;
    unintercept = server.intercept((request) => {
      if (request.method !== 'GET' || request.path !== '/api/v1/nodes') return undefined;
      if (!isWatch(request)) {
        lists += 1;
        return undefined;
      }
      // Hold the first reconnect until the world has moved on.
      if (releaseWatch) return undefined;
      return new Promise<undefined>((resolve) => {
        releaseWatch = () => resolve(undefined);
      });
    });
    server.closeWatches();
    await waitFor(() => releaseWatch !== undefined, { description: 'the informer to reconnect' });
    await core.deleteNode({ name: 'doomed' });
    await createNode('born');
    server.compactHistory();
    releaseWatch?.();

    await waitFor(() => cache.get('doomed') === undefined && cache.get('born') !== undefined, {
      description: 'the relist',
    });
    expect(lists).toBe(1);
    // client-node's own 410 handling did this: our error restart never ran.
    expect(messages).not.toContain('list/watch failed; restarting');
    expect(events).toContain('delete:doomed');
    expect(events).toContain('add:born');
    expect(cache.get('keep')).toBeDefined();
    // Relisted unchanged (same resourceVersion): no update.
    expect(events).not.toContain('update:keep');

    // And the new watch works.
    await createNode('after');
    await waitFor(() => cache.get('after'));
  });

  it('restarts by itself after a 500 on the watch, and later changes arrive', async () => {
    const { logger, messages } = capturedLogger();
    const cache = track(createNodeCache(kubeConfig, { ...fastRestart, logger }));
    await cache.start();
    let failed = 0;
    let watches = 0;
    unintercept = server.intercept((request) => {
      if (request.method !== 'GET' || request.path !== '/api/v1/nodes' || !isWatch(request)) return undefined;
      watches += 1;
      if (failed > 0) return undefined;
      failed += 1;
      return {
        status: 500,
        body: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: 'injected',
          reason: 'InternalError',
          code: 500,
        },
      };
    });
    server.closeWatches();
    await waitFor(() => watches >= 2, { description: 'a second watch after the 500' });
    expect(failed).toBe(1);
    expect(messages).toContain('list/watch failed; restarting');
    await createNode('after-500');
    await waitFor(() => cache.get('after-500'), { description: 'the change after the restart' });
  });

  it('rejects start() when stopped before the first list', async () => {
    unintercept = server.intercept((request) =>
      request.method === 'GET' && request.path === '/api/v1/nodes' && !isWatch(request)
        ? { status: 503, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503 } }
        : undefined,
    );
    const cache = createNodeCache(kubeConfig, fastRestart);
    const started = cache.start();
    cache.stop();
    await expect(started).rejects.toThrow('nodes informer stopped before its first list');
    expect(cache.hasSynced()).toBe(false);
  });

  it('keeps retrying a failing first list and resolves start() once it succeeds', async () => {
    await createNode('eventually');
    let failures = 0;
    unintercept = server.intercept((request) => {
      if (request.method !== 'GET' || request.path !== '/api/v1/nodes' || isWatch(request) || failures >= 2) {
        return undefined;
      }
      failures += 1;
      return { status: 503, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503 } };
    });
    const cache = track(createNodeCache(kubeConfig, fastRestart));
    const started = cache.start();
    await waitFor(() => cache.hasSynced(), { description: 'the cache to sync' });
    await started;
    expect(failures).toBe(2);
    expect(cache.get('eventually')).toBeDefined();
  });

  it('caches services of every namespace under namespace/name', async () => {
    for (const name of ['team-a', 'team-b']) {
      await core.createNamespace({ body: { metadata: { name } } }).catch(() => undefined);
    }
    const service = (namespace: string, name: string) =>
      core.createNamespacedService({
        namespace,
        body: { metadata: { name }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } },
      });
    await service('team-a', 'web');
    const cache = track(createServiceCache(kubeConfig, fastRestart));
    await cache.start();
    await service('team-b', 'web');
    await waitFor(() => cache.get('team-b/web'));
    expect(cache.get('team-a/web')?.kind).toBe('Service');
    expect(cache.get('team-b/web')?.spec?.ports?.[0]?.port).toBe(80);
  });
});
