import { type CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConflictRetriesExhaustedError } from '../../src/kube/errors.js';
import { updateNodeStatus, updateServiceStatus } from '../../src/kube/status-writer.js';
import type { LocalApiServer } from '../../src/local/apiserver/index.js';
import { startTestCluster } from '../support/local-cluster.js';

type Server = LocalApiServer;

const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const NS = 'status-writer';

describe('status writer against the local API server', () => {
  let server: Server;
  let core: CoreV1Api;
  let unintercept: (() => void) | undefined;
  let serial = 0;

  /** Counts requests by `METHOD path` while the test runs. */
  function countRequests() {
    const counts: Record<string, number> = {};
    unintercept = server.intercept((request) => {
      const key = `${request.method} ${request.path}`;
      counts[key] = (counts[key] ?? 0) + 1;
      return undefined;
    });
    return counts;
  }

  async function createService(): Promise<string> {
    serial += 1;
    const name = `lb-${serial}`;
    await core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name }, spec: { type: 'LoadBalancer', ports: [{ port: 80, protocol: 'TCP' }] } },
    });
    return name;
  }

  /** Someone else's status change: a condition on the Service. */
  function theirChange(name: string, type: string) {
    return core.patchNamespacedServiceStatus(
      {
        namespace: NS,
        name,
        body: {
          status: {
            conditions: [
              {
                type,
                status: 'True',
                reason: 'Test',
                message: 'theirs',
                lastTransitionTime: new Date().toISOString(),
              },
            ],
          },
        },
      },
      mergePatch,
    );
  }

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

  it('re-reads after a 409 and keeps both the concurrent change and ours', async () => {
    const name = await createService();
    let conflicts = 0;
    let puts = 0;
    unintercept = server.intercept(async (request) => {
      if (request.method !== 'PUT' || request.path !== `/api/v1/namespaces/${NS}/services/${name}/status`) {
        return undefined;
      }
      puts += 1;
      // Between our read and our write, someone else writes: our write must now conflict.
      if (puts === 1) {
        await theirChange(name, 'example.com/Theirs');
        conflicts += 1;
      }
      return undefined;
    });

    const result = await updateServiceStatus(core, {
      namespace: NS,
      name,
      mutate: (service) => {
        service.status = { ...service.status, loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } };
        return service;
      },
    });

    expect(conflicts).toBe(1);
    expect(puts).toBe(2);
    expect(result.written).toBe(true);
    const final = await core.readNamespacedServiceStatus({ namespace: NS, name });
    expect(final.status?.loadBalancer?.ingress).toEqual([{ hostname: 'lb.example.com' }]);
    expect(final.status?.conditions?.map((c) => c.type)).toEqual(['example.com/Theirs']);
  });

  it('gives up after maxAttempts when every write conflicts', async () => {
    const name = await createService();
    let puts = 0;
    unintercept = server.intercept(async (request) => {
      if (request.method === 'PUT' && request.path === `/api/v1/namespaces/${NS}/services/${name}/status`) {
        puts += 1;
        await theirChange(name, `example.com/Theirs${puts}`);
      }
      return undefined;
    });
    const attempt = updateServiceStatus(core, {
      namespace: NS,
      name,
      maxAttempts: 3,
      mutate: (service) => {
        service.status = {
          ...service.status,
          loadBalancer: { ingress: [{ hostname: 'never.example.com' }] },
        };
        return service;
      },
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictRetriesExhaustedError);
    expect(puts).toBe(3);
    const final = await core.readNamespacedServiceStatus({ namespace: NS, name });
    expect(final.status?.loadBalancer?.ingress ?? []).toEqual([]);
  });

  it('writes nothing when mutate returns undefined or changes nothing', async () => {
    const name = await createService();
    const counts = countRequests();
    const unchanged = await updateServiceStatus(core, { namespace: NS, name, mutate: () => undefined });
    const same = await updateServiceStatus(core, {
      namespace: NS,
      name,
      mutate: (service) => {
        service.status = { ...service.status };
        return service;
      },
    });
    expect(unchanged.written).toBe(false);
    expect(same.written).toBe(false);
    expect(counts).toEqual({ [`GET /api/v1/namespaces/${NS}/services/${name}`]: 2 });
  });

  it('updates a Node condition through the status subresource', async () => {
    await core.createNode({ body: { metadata: { name: 'status-node' } } });
    const condition = {
      type: 'NetworkUnavailable',
      status: 'False',
      reason: 'RouteCreated',
      message: 'skyway created a route',
      lastTransitionTime: new Date('2026-01-01T00:00:00Z'),
      lastHeartbeatTime: new Date('2026-01-01T00:00:00Z'),
    };
    const result = await updateNodeStatus(core, {
      name: 'status-node',
      mutate: (node) => {
        node.status = { ...node.status, conditions: [...(node.status?.conditions ?? []), condition] };
        return node;
      },
    });
    expect(result.written).toBe(true);
    const node = await core.readNode({ name: 'status-node' });
    expect(node.status?.conditions).toEqual([condition]);
  });
});
