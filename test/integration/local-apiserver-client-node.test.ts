import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  ListWatch,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiServer, startLocalApiServer } from '../../src/local/apiserver/index.js';
import { rawRequest } from '../support/local-apiserver-http.js';
import { waitFor } from '../support/wait-for.js';

/** @kubernetes/client-node 2.x, the client the controllers use, against the local API server over verified TLS. */
let server: LocalApiServer;
let kc: KubeConfig;
let core: CoreV1Api;
const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function node(name: string, labels: Record<string, string> = {}): V1Node {
  return { metadata: { name, labels }, spec: { podCIDR: '10.244.0.0/24', providerID: `aws:///a/${name}` } };
}

async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ApiException);
    const e = error as ApiException<unknown>;
    return {
      code: e.code,
      body: typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : {},
    };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  server = await startLocalApiServer();
  kc = new KubeConfig();
  kc.loadFromString(server.kubeconfigYaml());
  core = kc.makeApiClient(CoreV1Api);
});

afterAll(async () => {
  await server?.stop();
});

describe('@kubernetes/client-node against the local API server', () => {
  it('creates, reads and replaces, and answers a stale resourceVersion with 409 Conflict', async () => {
    const created = await core.createNode({ body: node('cn-1') });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const read = await core.readNode({ name: 'cn-1' });
    expect(read.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);

    const fresh = { ...read, metadata: { ...read.metadata, labels: { step: 'one' } } };
    const replaced = await core.replaceNode({ name: 'cn-1', body: fresh });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(
      Number(read.metadata?.resourceVersion),
    );

    const stale = { ...read, metadata: { ...read.metadata, labels: { step: 'two' } } };
    const { code, body } = await apiError(core.replaceNode({ name: 'cn-1', body: stale }));
    expect(code).toBe(409);
    expect(body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message:
        'Operation cannot be fulfilled on nodes "cn-1": the object has been modified; please apply your changes to the latest version and try again',
      details: { name: 'cn-1', kind: 'nodes' },
    });
    expect((await core.readNode({ name: 'cn-1' })).metadata?.labels).toEqual({ step: 'one' });

    const duplicate = await apiError(core.createNode({ body: node('cn-1') }));
    expect(duplicate.code).toBe(409);
    expect(duplicate.body).toMatchObject({ reason: 'AlreadyExists', message: 'nodes "cn-1" already exists' });
  });

  it('patches node status with a merge patch and ignores spec changes sent to /status', async () => {
    await core.createNode({ body: node('cn-status') });
    const patched = await core.patchNodeStatus(
      {
        name: 'cn-status',
        body: {
          spec: { unschedulable: true },
          status: { conditions: [{ type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated' }] },
        },
      },
      mergePatch,
    );
    expect(patched.status?.conditions?.[0]).toMatchObject({ type: 'NetworkUnavailable', status: 'False' });
    expect(patched.spec?.unschedulable).toBeUndefined();

    const current = await core.readNode({ name: 'cn-status' });
    const viaStatus = await core.replaceNodeStatus({
      name: 'cn-status',
      body: { ...current, spec: { ...current.spec, podCIDR: '10.99.0.0/24' }, status: { phase: 'Running' } },
    });
    expect(viaStatus.spec?.podCIDR).toBe('10.244.0.0/24');
    expect(viaStatus.status?.phase).toBe('Running');
  });

  it('ignores status changes sent to the main resource', async () => {
    const created = await core.createNode({ body: { ...node('cn-main'), status: { phase: 'Pending' } } });
    expect(created.status?.phase).toBe('Pending'); // a Node keeps the status it was created with, as kubelet relies on
    const replaced = await core.replaceNode({
      name: 'cn-main',
      body: { ...created, spec: { ...created.spec, unschedulable: true }, status: { phase: 'Terminated' } },
    });
    expect(replaced.spec?.unschedulable).toBe(true);
    expect(replaced.status?.phase).toBe('Pending');
  });

  it('lists nodes by label selector and pages with limit/continue', async () => {
    for (const [name, pool] of [
      ['pool-a-1', 'a'],
      ['pool-a-2', 'a'],
      ['pool-b-1', 'b'],
    ] as const) {
      await core.createNode({ body: node(name, { pool }) });
    }
    const poolA = await core.listNode({ labelSelector: 'pool=a' });
    expect(poolA.items.map((n) => n.metadata?.name)).toEqual(['pool-a-1', 'pool-a-2']);
    const notA = await core.listNode({ labelSelector: 'pool,pool notin (a)' });
    expect(notA.items.map((n) => n.metadata?.name)).toEqual(['pool-b-1']);

    const first = await core.listNode({ labelSelector: 'pool', limit: 2 });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await core.listNode({
      labelSelector: 'pool',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((n) => n.metadata?.name)).toEqual(['pool-b-1']);
    expect(second.metadata?._continue).toBeFalsy();
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });

  it('answers a missing object with a real 404 Status', async () => {
    const { code, body } = await apiError(core.readNamespacedService({ name: 'nope', namespace: 'default' }));
    expect(code).toBe(404);
    expect(body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'services "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'services' },
      code: 404,
    });
  });

  it('rejects requests without the bearer token with 401', async () => {
    const anonymous = await rawRequest(server, '/api/v1/nodes', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
    const wrong = new KubeConfig();
    wrong.loadFromString(server.kubeconfigYaml().replace(server.token, 'not-the-token'));
    const { code } = await apiError(wrong.makeApiClient(CoreV1Api).listNode());
    expect(code).toBe(401);
  });

  it('feeds an informer add, update and delete events', async () => {
    const informer = makeInformer(
      kc,
      '/api/v1/nodes',
      () => core.listNode({ labelSelector: 'informer=yes' }),
      'informer=yes',
    );
    const events: string[] = [];
    informer.on('add', (n) => events.push(`add:${n.metadata?.name}`));
    informer.on('update', (n) => events.push(`update:${n.metadata?.name}:${n.metadata?.labels?.step ?? ''}`));
    informer.on('delete', (n) => events.push(`delete:${n.metadata?.name}`));
    await core.createNode({ body: node('inf-1', { informer: 'yes' }) });
    await informer.start();
    try {
      await waitFor(() => events.includes('add:inf-1'), { description: 'initial add' });
      await core.patchNode({ name: 'inf-1', body: { metadata: { labels: { step: 'two' } } } }, mergePatch);
      await core.createNode({ body: node('inf-2', { informer: 'yes' }) });
      await core.createNode({ body: node('inf-ignored', { informer: 'no' }) });
      await core.deleteNode({ name: 'inf-1' });
      await waitFor(() => events.includes('delete:inf-1'), { description: 'delete event' });
      expect(events).toEqual(['add:inf-1', 'update:inf-1:two', 'add:inf-2', 'delete:inf-1']);
      expect(informer.list().map((n) => n.metadata?.name)).toEqual(['inf-2']);
    } finally {
      await informer.stop();
    }
  });

  it('makes an informer relist after compaction, reporting objects deleted while it was away', async () => {
    let releaseWatches: () => void = () => undefined;
    let holding = false;
    const gate = new Promise<void>((resolve) => {
      releaseWatches = resolve;
    });
    const requests: string[] = [];
    const removeLog = server.intercept((request) => {
      if (request.path === '/api/v1/nodes')
        requests.push(request.query.get('watch') === 'true' ? 'watch' : 'list');
      return undefined;
    });
    const removeHold = server.intercept(async (request) => {
      if (holding && request.path === '/api/v1/nodes' && request.query.get('watch') === 'true') await gate;
      return undefined;
    });
    const informer = new ListWatch<V1Node>(
      '/api/v1/nodes',
      new Watch(kc),
      () => core.listNode({ labelSelector: 'relist=yes' }),
      false,
      'relist=yes',
      undefined,
      { delayFn: () => Promise.resolve() },
    );
    const events: string[] = [];
    informer.on('add', (n) => events.push(`add:${n.metadata?.name}`));
    informer.on('delete', (n) => events.push(`delete:${n.metadata?.name}`));
    await core.createNode({ body: node('relist-keep', { relist: 'yes' }) });
    await core.createNode({ body: node('relist-gone', { relist: 'yes' }) });
    try {
      await informer.start();
      await waitFor(() => events.includes('add:relist-gone') && requests.includes('watch'), {
        description: 'watching',
      });
      holding = true;
      const watchesBefore = requests.filter((r) => r === 'watch').length;
      server.closeWatches();
      await waitFor(() => requests.filter((r) => r === 'watch').length > watchesBefore, {
        description: 'rewatch',
      });
      await core.deleteNode({ name: 'relist-gone' });
      server.compactHistory();
      const listsBefore = requests.filter((r) => r === 'list').length;
      releaseWatches();
      await waitFor(() => events.includes('delete:relist-gone'), { description: 'delete after relist' });
      expect(requests.filter((r) => r === 'list').length).toBeGreaterThan(listsBefore);
      expect(informer.list().map((n) => n.metadata?.name)).toEqual(['relist-keep']);
    } finally {
      holding = false;
      removeHold();
      removeLog();
      await informer.stop();
    }
  });

  it('writes Service status through the status subresource and keeps the spec', async () => {
    const svc = await core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', ports: [{ port: 80 }], selector: { app: 'x' } },
      },
    });
    expect(svc.spec?.ports?.[0]?.targetPort).toBe(80);
    const patched = await core.patchNamespacedServiceStatus(
      {
        name: 'lb',
        namespace: 'default',
        body: { status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } } },
      },
      mergePatch,
    );
    expect(patched.status?.loadBalancer?.ingress).toEqual([{ hostname: 'lb.example.com' }]);
    expect(patched.spec?.clusterIP).toBe(svc.spec?.clusterIP);
    const invalid = await apiError(
      core.patchNamespacedServiceStatus(
        {
          name: 'lb',
          namespace: 'default',
          body: { status: { loadBalancer: { ingress: [{ ip: 'not-an-ip' }] } } },
        },
        mergePatch,
      ),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.body).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ field: 'status.loadBalancer.ingress[0].ip', reason: 'FieldValueInvalid' }] },
    });
  });
});
