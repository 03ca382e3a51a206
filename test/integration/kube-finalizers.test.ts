import { type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isNotFound } from '../../src/kube/api-errors.js';
import { addFinalizer, removeFinalizer, serviceFinalizerTarget } from '../../src/kube/finalizers.js';
import type { LocalApiServer } from '../../src/local/apiserver/index.js';
import { startTestCluster } from '../support/local-cluster.js';

type Server = LocalApiServer;

const NS = 'finalizers';
const CLEANUP = 'service.kubernetes.io/load-balancer-cleanup';
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('finalizers against the local API server', () => {
  let server: Server;
  let core: CoreV1Api;
  let unintercept: (() => void) | undefined;
  let serial = 0;

  async function createService(finalizers: string[] = []): Promise<string> {
    serial += 1;
    const name = `svc-${serial}`;
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name, finalizers }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
    });
    return name;
  }

  function countPatches(name: string) {
    const counter = { patches: 0 };
    unintercept = server.intercept((request) => {
      if (request.method === 'PATCH' && request.path === `/api/v1/namespaces/${NS}/services/${name}`) {
        counter.patches += 1;
      }
      return undefined;
    });
    return counter;
  }

  const finalizersOf = async (name: string) =>
    (await core.readNamespacedService({ namespace: NS, name })).metadata?.finalizers ?? [];

  beforeAll(async () => {
    ({ server, core } = await startTestCluster({ namespaces: [NS] }));
  });

  afterEach(() => {
    unintercept?.();
    unintercept = undefined;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('adds a finalizer once: a second add writes nothing', async () => {
    const name = await createService(['example.com/other']);
    const counter = countPatches(name);
    const target = serviceFinalizerTarget(core, { namespace: NS, name });
    expect(await addFinalizer(target, CLEANUP)).toBe(true);
    expect(await addFinalizer(target, CLEANUP)).toBe(false);
    expect(counter.patches).toBe(1);
    expect(await finalizersOf(name)).toEqual(['example.com/other', CLEANUP]);
  });

  it('keeps a finalizer someone else added between our read and our patch', async () => {
    const name = await createService();
    let raced = false;
    unintercept = server.intercept(async (request) => {
      if (
        raced ||
        request.method !== 'PATCH' ||
        request.path !== `/api/v1/namespaces/${NS}/services/${name}`
      ) {
        return undefined;
      }
      raced = true;
      await core.patchNamespacedService(
        { namespace: NS, name, body: { metadata: { finalizers: ['example.com/theirs'] } } },
        mergePatch,
      );
      return undefined;
    });
    expect(await addFinalizer(serviceFinalizerTarget(core, { namespace: NS, name }), CLEANUP)).toBe(true);
    expect(raced).toBe(true);
    expect(await finalizersOf(name)).toEqual(['example.com/theirs', CLEANUP]);
  });

  it('removes only its finalizer, and removing it again writes nothing', async () => {
    const name = await createService(['example.com/other', CLEANUP]);
    const counter = countPatches(name);
    const target = serviceFinalizerTarget(core, { namespace: NS, name });
    expect(await removeFinalizer(target, CLEANUP)).toBe(true);
    expect(await removeFinalizer(target, CLEANUP)).toBe(false);
    expect(counter.patches).toBe(1);
    expect(await finalizersOf(name)).toEqual(['example.com/other']);
  });

  it('lets a deleted Service go once the last finalizer is removed, and treats a gone one as done', async () => {
    const name = await createService([CLEANUP]);
    await core.deleteNamespacedService({ namespace: NS, name });
    const deleting = await core.readNamespacedService({ namespace: NS, name });
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();

    const target = serviceFinalizerTarget(core, { namespace: NS, name });
    expect(await removeFinalizer(target, CLEANUP)).toBe(true);
    const gone = await core.readNamespacedService({ namespace: NS, name }).catch((error: unknown) => error);
    expect(isNotFound(gone)).toBe(true);
    expect(await removeFinalizer(target, CLEANUP)).toBe(false);
  });

  it('cannot add a finalizer to a Service that is being deleted (the API server forbids it)', async () => {
    const name = await createService(['example.com/other']);
    await core.deleteNamespacedService({ namespace: NS, name });
    await expect(
      addFinalizer(serviceFinalizerTarget(core, { namespace: NS, name }), CLEANUP),
    ).rejects.toMatchObject({
      code: 422,
    });
  });
});
