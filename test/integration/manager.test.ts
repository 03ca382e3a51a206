import type { CoreV1Api, KubeConfig, V1Node } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudProvider } from '../../providers/provider.js';
import type { ControllerDefinition } from '../../src/app/controller-definition.js';
import { type RunningManager, startManager } from '../../src/app/manager.js';
import { runConfigSchema } from '../../src/config/schema.js';
import type { LocalApiServer } from '../../src/local/apiserver/index.js';
import { silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { startTestCluster } from '../support/local-cluster.js';
import { waitFor } from '../support/wait-for.js';

/** A real (if tiny) controller: it records which Nodes it reconciled, so the test sees who is doing the work. */
function nodeRecorder(seen: string[]): ControllerDefinition {
  return {
    name: 'node-recorder',
    informs: ['nodes'],
    requires: [],
    create: (context) => ({
      reconciler: {
        name: 'node-recorder',
        async reconcile(key) {
          if (context.caches.nodes?.get(key)) seen.push(key);
          return {};
        },
      },
      watches: [{ cache: 'nodes', toKeys: (node) => [node.metadata?.name ?? ''] }],
      planAll: async () => [],
    }),
  };
}

const provider: CloudProvider = {
  name: 'aws',
  checkCredentials: async () => undefined,
  close: () => undefined,
};

function node(name: string): V1Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name } };
}

describe('manager against the local API server', () => {
  let server: LocalApiServer;
  let kubeConfig: KubeConfig;
  const managers: RunningManager[] = [];

  const config = runConfigSchema(['node-recorder']).parse({
    provider: 'aws',
    clusterName: 'test',
    region: 'us-east-1',
    leaderElectNamespace: 'kube-system',
    leaderElectLeaseDuration: '1500ms',
    leaderElectRenewDeadline: '1s',
    leaderElectRetryPeriod: '200ms',
    metricsAddr: '127.0.0.1:0',
    healthAddr: '127.0.0.1:0',
    resyncPeriod: '10m',
  });

  async function start(seen: string[], metrics: Metrics, identity: string): Promise<RunningManager> {
    const manager = await startManager({
      config,
      kubeConfig,
      provider,
      definitions: [nodeRecorder(seen)],
      logger: silentLogger(),
      metrics,
      identity,
    });
    managers.push(manager);
    return manager;
  }

  beforeAll(async () => {
    let core: CoreV1Api;
    ({ server, kubeConfig, core } = await startTestCluster());
    await core.createNode({ body: node('n1') });
    await core.createNode({ body: node('n2') });
  });

  afterAll(async () => {
    for (const manager of managers) await manager.stop();
    await server?.stop();
  });

  it('reports ready on every replica, reconciles only on the leader, and hands over on a graceful stop', async () => {
    const seenA: string[] = [];
    const metricsA = createMetrics();
    const a = await start(seenA, metricsA, 'replica-a');
    await waitFor(() => a.isLeader(), { timeoutMs: 5_000, description: 'a leads' });
    await waitFor(() => seenA.includes('n1') && seenA.includes('n2'), {
      description: 'a reconciled both nodes',
    });

    const readyA = await fetch(`${a.healthUrl}/readyz`);
    expect(readyA.status).toBe(200);
    expect(await readyA.text()).toContain('[+]informer-sync ok');
    const metricsText = await (await fetch(`${a.metricsUrl}/metrics`)).text();
    expect(metricsText).toMatch(
      /skyway_reconcile_total\{controller="node-recorder",result="success"\} [1-9]/,
    );
    expect(metricsText).toMatch(/^skyway_leader 1$/m);

    const seenB: string[] = [];
    const b = await start(seenB, createMetrics(), 'replica-b');
    expect((await fetch(`${b.healthUrl}/readyz`)).status).toBe(200);
    expect(b.isLeader()).toBe(false);
    expect(seenB).toEqual([]);

    const stoppedAt = Date.now();
    await a.stop();
    expect(await (await fetch(`${b.metricsUrl}/metrics`)).text()).toMatch(/^skyway_leader 0$/m);
    await waitFor(() => b.isLeader(), { timeoutMs: 5_000, description: 'b takes over' });
    // A released lease is free at once: no waiting out the 1.5 s lease duration.
    expect(Date.now() - stoppedAt).toBeLessThan(1_500);
    await waitFor(() => seenB.includes('n1') && seenB.includes('n2'), {
      description: 'b reconciled both nodes',
    });
    expect(a.isLeader()).toBe(false);
  });

  it('stops reconciling and ends with "lost leadership" before its lease could expire when renewals fail', async () => {
    for (const manager of managers.splice(0)) await manager.stop();
    const seen: string[] = [];
    const c = await start(seen, createMetrics(), 'replica-c');
    await waitFor(() => c.isLeader(), { timeoutMs: 5_000, description: 'c leads' });
    const failRenewals = server.intercept((request) =>
      request.method === 'PUT' && request.path.endsWith('/leases/skyway')
        ? {
            status: 500,
            body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 500, message: 'etcd down' },
          }
        : undefined,
    );
    const failingSince = Date.now();
    try {
      expect(await c.done).toEqual({ reason: 'lost leadership' });
      // The renew deadline is 1 s; others may take over 1.5 s after the last renewal.
      expect(Date.now() - failingSince).toBeLessThan(1_500);
      expect(c.isLeader()).toBe(false);
    } finally {
      failRenewals();
    }
  });
});
