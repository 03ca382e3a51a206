import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiServer, startLocalApiServer } from '../../src/local/apiserver/index.js';
import { rawRequest, rawWatch } from '../support/local-apiserver-http.js';
import { waitFor } from '../support/wait-for.js';

/** Wire-level semantics of the local API server that typed clients hide: status codes, Status bodies, watch framing. */
let server: LocalApiServer;

const post = (path: string, body: unknown) => rawRequest(server, path, { method: 'POST', body });
const put = (path: string, body: unknown) => rawRequest(server, path, { method: 'PUT', body });
const del = (path: string, body?: unknown) => rawRequest(server, path, { method: 'DELETE', body });
const patch = (path: string, contentType: string, body: unknown) =>
  rawRequest(server, path, { method: 'PATCH', body, contentType });
const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

// biome-ignore lint/suspicious/noExplicitAny: wire payloads are read field by field
type Obj = Record<string, any>;

async function create(path: string, body: unknown): Promise<Obj> {
  const res = await post(path, body);
  expect(res.status, res.text).toBe(201);
  return res.json<Obj>();
}

beforeAll(async () => {
  server = await startLocalApiServer({ historyLimit: 50, bookmarkIntervalMs: 50 });
});

afterAll(async () => {
  await server?.stop();
});

describe('resource versions and writes', () => {
  it('shares one increasing resourceVersion across kinds and skips no-op updates', async () => {
    const cm = await create('/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'rv-a' },
      data: { a: '1' },
    });
    const lease = await create('/apis/coordination.k8s.io/v1/namespaces/default/leases', {
      metadata: { name: 'rv-b' },
    });
    expect(Number(lease.metadata.resourceVersion)).toBe(Number(cm.metadata.resourceVersion) + 1);
    expect(lease.metadata.generation).toBeUndefined();
    const same = await put('/api/v1/namespaces/default/configmaps/rv-a', cm);
    expect(same.status).toBe(200);
    expect(same.json<Obj>().metadata.resourceVersion).toBe(cm.metadata.resourceVersion);
    const list = (await rawRequest(server, '/api/v1/configmaps')).json<Obj>();
    expect(list).toMatchObject({ kind: 'ConfigMapList', apiVersion: 'v1' });
    expect(Number(list.metadata.resourceVersion)).toBeGreaterThanOrEqual(
      Number(lease.metadata.resourceVersion),
    );
    expect(list.items[0]).toMatchObject({ kind: 'ConfigMap', apiVersion: 'v1' });
  });

  it('assigns generateName names and rejects invalid objects with field causes', async () => {
    const generated = await create('/api/v1/namespaces/default/configmaps', {
      metadata: { generateName: 'gen-' },
    });
    expect(generated.metadata.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const bad = await post('/api/v1/namespaces/default/services', {
      metadata: { name: 'ok-name' },
      spec: { ports: [{ port: 80 }, { port: 0, name: 'b' }] },
    });
    expect(bad.status).toBe(422);
    expect(bad.json()).toMatchObject({
      kind: 'Status',
      reason: 'Invalid',
      code: 422,
      // targetPort defaults to port, so port 0 is reported twice, as by ValidateService.
      message:
        'Service "ok-name" is invalid: [spec.ports[0].name: Required value, spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[1].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]',
      details: {
        name: 'ok-name',
        kind: 'Service',
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.ports[0].name' },
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 0: must be between 1 and 65535, inclusive',
            field: 'spec.ports[1].port',
          },
          {
            reason: 'FieldValueInvalid',
            message: 'Invalid value: 0: must be between 1 and 65535, inclusive',
            field: 'spec.ports[1].targetPort',
          },
        ],
      },
    });
    const noName = await post('/api/v1/nodes', { metadata: {} });
    expect(noName.json<Obj>().details.causes[0]).toEqual({
      reason: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
      field: 'metadata.name',
    });
  });

  it('refuses writes into a missing or terminating namespace', async () => {
    const missing = await post('/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    expect(missing.status).toBe(404);
    expect(missing.json()).toMatchObject({ reason: 'NotFound', message: 'namespaces "nowhere" not found' });

    await create('/api/v1/namespaces', { metadata: { name: 'closing' } });
    await create('/api/v1/namespaces/closing/configmaps', {
      metadata: { name: 'held', finalizers: ['skyway.dev/hold'] },
    });
    const deleting = await del('/api/v1/namespaces/closing');
    expect(deleting.status).toBe(200);
    expect(deleting.json<Obj>().status.phase).toBe('Terminating');
    const refused = await post('/api/v1/namespaces/closing/configmaps', { metadata: { name: 'late' } });
    expect(refused.status).toBe(403);
    expect(refused.json<Obj>().message).toBe(
      'configmaps "late" is forbidden: unable to create new content in namespace closing because it is being terminated',
    );
    // The namespace goes once its last object's finalizer is removed.
    await patch('/api/v1/namespaces/closing/configmaps/held', MERGE, { metadata: { finalizers: null } });
    expect((await rawRequest(server, '/api/v1/namespaces/closing')).status).toBe(404);
    expect((await del('/api/v1/namespaces/default')).status).toBe(403);
  });

  it('creates Services on PUT but not Nodes, and answers DELETE as the real registry does', async () => {
    const svc = await put('/api/v1/namespaces/default/services/put-made', {
      metadata: { name: 'put-made' },
      spec: { ports: [{ port: 80 }] },
    });
    expect(svc.status).toBe(201);
    const nodePut = await put('/api/v1/nodes/put-node', { metadata: { name: 'put-node' } });
    expect(nodePut.status).toBe(404);

    const deletedSvc = await del('/api/v1/namespaces/default/services/put-made');
    expect(deletedSvc.json()).toMatchObject({ kind: 'Service', metadata: { name: 'put-made' } });
    const n = await create('/api/v1/nodes', { metadata: { name: 'del-node' } });
    const deletedNode = await del('/api/v1/nodes/del-node');
    expect(deletedNode.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      details: { name: 'del-node', kind: 'nodes', uid: n.metadata.uid },
    });
    expect((await del('/api/v1/nodes/del-node')).status).toBe(404);
  });

  it('checks delete preconditions and supports deletecollection with a selector', async () => {
    const cm = await create('/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'pre', labels: { batch: 'x' } },
    });
    const wrongUid = await del('/api/v1/namespaces/default/configmaps/pre', {
      preconditions: { uid: 'other' },
    });
    expect(wrongUid.status).toBe(409);
    await create('/api/v1/namespaces/default/configmaps', {
      metadata: { name: 'pre-2', labels: { batch: 'x' } },
    });
    const dryRun = await del('/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx&dryRun=All');
    expect(dryRun.status).toBe(200);
    expect((await rawRequest(server, '/api/v1/namespaces/default/configmaps/pre')).status).toBe(200);
    const all = await del('/api/v1/namespaces/default/configmaps?labelSelector=batch%3Dx');
    expect(all.json<Obj>().items.map((i: Obj) => i.metadata.name)).toEqual(['pre', 'pre-2']);
    expect(
      (await rawRequest(server, `/api/v1/namespaces/default/configmaps/${cm.metadata.name}`)).status,
    ).toBe(404);
  });

  it('bumps generation only when the spec of a kind with generations changes', async () => {
    const ing = await create('/apis/networking.k8s.io/v1/namespaces/default/ingresses', {
      metadata: { name: 'gen-ing' },
      spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } },
    });
    expect(ing.metadata.generation).toBe(1);
    expect(ing.status).toEqual({ loadBalancer: {} });
    const labelled = await patch('/apis/networking.k8s.io/v1/namespaces/default/ingresses/gen-ing', MERGE, {
      metadata: { labels: { a: 'b' } },
    });
    expect(labelled.json<Obj>().metadata.generation).toBe(1);
    const changed = await patch('/apis/networking.k8s.io/v1/namespaces/default/ingresses/gen-ing', MERGE, {
      spec: { ingressClassName: 'skyway' },
    });
    expect(changed.json<Obj>().metadata.generation).toBe(2);
    const status = await patch(
      '/apis/networking.k8s.io/v1/namespaces/default/ingresses/gen-ing/status',
      MERGE,
      {
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } },
      },
    );
    expect(status.json<Obj>().metadata.generation).toBe(2);
  });

  it('applies json patches (including test) and strategic merge patches by merge key', async () => {
    const path = '/api/v1/namespaces/default/services/patchy';
    await create('/api/v1/namespaces/default/services', {
      metadata: { name: 'patchy', finalizers: ['a'] },
      spec: { type: 'NodePort', ports: [{ name: 'http', port: 80 }] },
    });
    const failedTest = await patch(path, JSON_PATCH, [
      { op: 'test', path: '/metadata/finalizers/0', value: 'zzz' },
    ]);
    expect(failedTest.status).toBe(422);
    const strategic = await patch(path, STRATEGIC, {
      metadata: { finalizers: ['b'] },
      spec: {
        ports: [{ port: 443, name: 'https' }],
        '$setElementOrder/ports': [{ port: 443 }, { port: 80 }],
      },
    });
    expect(strategic.status, strategic.text).toBe(200);
    const merged = strategic.json<Obj>();
    expect(merged.metadata.finalizers).toEqual(['a', 'b']);
    expect(merged.spec.ports.map((p: Obj) => p.port)).toEqual([443, 80]);
    expect(merged.spec.ports[1].nodePort).toBeGreaterThanOrEqual(30000);
    const removed = await patch(path, STRATEGIC, {
      metadata: { '$deleteFromPrimitiveList/finalizers': ['a', 'b'] },
      spec: { ports: [{ port: 443, $patch: 'delete' }] },
    });
    expect(removed.json<Obj>().metadata.finalizers).toBeUndefined();
    expect(removed.json<Obj>().spec.ports.map((p: Obj) => p.port)).toEqual([80]);
    const unsupported = await patch(path, 'application/apply-patch+cbor', {});
    expect(unsupported.status).toBe(415);
  });

  it('allocates node ports uniquely and releases them on delete', async () => {
    const first = await create('/api/v1/namespaces/default/services', {
      metadata: { name: 'np-a' },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31080 }] },
    });
    expect(first.spec.ports[0].nodePort).toBe(31080);
    const clash = await post('/api/v1/namespaces/default/services', {
      metadata: { name: 'np-b' },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31080 }] },
    });
    expect(clash.status).toBe(422);
    expect(clash.json<Obj>().message).toBe(
      'Service "np-b" is invalid: spec.ports[0].nodePort: Invalid value: 31080: provided port is already allocated',
    );
    await del('/api/v1/namespaces/default/services/np-a');
    await create('/api/v1/namespaces/default/services', {
      metadata: { name: 'np-b' },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31080 }] },
    });
    const local = await create('/api/v1/namespaces/default/services', {
      metadata: { name: 'np-local' },
      spec: { type: 'LoadBalancer', externalTrafficPolicy: 'Local', ports: [{ port: 80 }] },
    });
    expect(local.spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(local.spec.healthCheckNodePort).not.toBe(local.spec.ports[0].nodePort);
  });
});

describe('watch', () => {
  it('replays history from a resourceVersion and ends on timeoutSeconds', async () => {
    const a = await create('/api/v1/namespaces/default/configmaps', { metadata: { name: 'w-a' } });
    await patch('/api/v1/namespaces/default/configmaps/w-a', MERGE, { data: { x: '1' } });
    await del('/api/v1/namespaces/default/configmaps/w-a');
    const watch = rawWatch(
      server,
      `/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=${a.metadata.resourceVersion}&timeoutSeconds=1`,
    );
    expect(await watch.status).toBe(200);
    await waitFor(() => watch.ended(), { description: 'timeoutSeconds to end the stream' });
    expect(watch.events.map((e) => `${e.type}:${e.object.metadata?.name}`)).toEqual([
      'MODIFIED:w-a',
      'DELETED:w-a',
    ]);
  });

  it('sends ADDED for current objects when started without a resourceVersion', async () => {
    await create('/api/v1/namespaces', { metadata: { name: 'w-initial' } });
    await create('/api/v1/namespaces/w-initial/configmaps', { metadata: { name: 'one' } });
    const watch = rawWatch(server, '/api/v1/namespaces/w-initial/configmaps?watch=true');
    await waitFor(() => watch.events.length === 1, { description: 'initial ADDED' });
    await create('/api/v1/namespaces/w-initial/configmaps', { metadata: { name: 'two' } });
    await waitFor(() => watch.events.length === 2, { description: 'live ADDED' });
    expect(watch.events.map((e) => `${e.type}:${e.object.metadata?.name}`)).toEqual([
      'ADDED:one',
      'ADDED:two',
    ]);
    watch.close();
  });

  it('turns selector transitions into ADDED and DELETED, as the watch cache does', async () => {
    const start = (await rawRequest(server, '/api/v1/nodes')).json<Obj>().metadata.resourceVersion;
    const watch = rawWatch(
      server,
      `/api/v1/nodes?watch=true&resourceVersion=${start}&labelSelector=role%3Dedge`,
    );
    await create('/api/v1/nodes', { metadata: { name: 'sel-node', labels: { role: 'core' } } });
    await patch('/api/v1/nodes/sel-node', MERGE, { metadata: { labels: { role: 'edge' } } });
    await patch('/api/v1/nodes/sel-node', MERGE, { metadata: { annotations: { touched: 'yes' } } });
    await patch('/api/v1/nodes/sel-node', MERGE, { metadata: { labels: { role: 'core' } } });
    await waitFor(() => watch.events.length === 3, { description: 'three events' });
    expect(watch.events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    expect(watch.events[2]!.object.metadata?.labels).toEqual({ role: 'core' });
    watch.close();
  });

  it('answers a watch from a compacted resourceVersion with an ERROR 410 Expired event', async () => {
    const old = (await rawRequest(server, '/api/v1/nodes')).json<Obj>().metadata.resourceVersion;
    await create('/api/v1/nodes', { metadata: { name: 'after-compaction' } });
    server.compactHistory();
    const watch = rawWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${old}`);
    await waitFor(() => watch.ended(), { description: 'stream end' });
    expect(watch.events).toHaveLength(1);
    expect(watch.events[0]).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'Expired', code: 410 },
    });
    expect(String(watch.events[0]!.object.message)).toMatch(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('forgets history beyond historyLimit', async () => {
    const old = (await rawRequest(server, '/api/v1/nodes')).json<Obj>().metadata.resourceVersion;
    for (let i = 0; i < 55; i++) {
      await patch('/api/v1/nodes/after-compaction', MERGE, { metadata: { annotations: { i: String(i) } } });
    }
    const watch = rawWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${old}`);
    await waitFor(() => watch.ended(), { description: 'stream end' });
    expect(watch.events.map((e) => e.type)).toEqual(['ERROR']);
  });

  it('sends BOOKMARKs only to watches that asked for them', async () => {
    const rv = (await rawRequest(server, '/api/v1/nodes')).json<Obj>().metadata.resourceVersion;
    const withBookmarks = rawWatch(
      server,
      `/api/v1/nodes?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`,
    );
    const without = rawWatch(server, `/api/v1/nodes?watch=true&resourceVersion=${rv}`);
    await waitFor(() => withBookmarks.events.length >= 2, { description: 'two bookmarks' });
    expect(withBookmarks.events[0]).toMatchObject({
      type: 'BOOKMARK',
      object: {
        kind: 'Node',
        apiVersion: 'v1',
        metadata: { resourceVersion: expect.stringMatching(/^\d+$/) },
      },
    });
    expect(without.events).toEqual([]);
    withBookmarks.close();
    without.close();
  });

  it('ends every open watch on closeWatches()', async () => {
    const watch = rawWatch(server, '/api/v1/nodes?watch=true');
    expect(await watch.status).toBe(200);
    server.closeWatches();
    await waitFor(() => watch.ended(), { description: 'stream closed by the server' });
  });
});

describe('fault injection and paging', () => {
  it('lets a test short-circuit requests with intercept()', async () => {
    const seen: string[] = [];
    const remove = server.intercept((request) => {
      seen.push(`${request.method} ${request.path}`);
      if (request.path.endsWith('/configmaps/boom')) {
        return {
          status: 500,
          body: { kind: 'Status', status: 'Failure', code: 500, reason: 'InternalError' },
        };
      }
      return undefined;
    });
    const boom = await rawRequest(server, '/api/v1/namespaces/default/configmaps/boom');
    remove();
    expect(boom.status).toBe(500);
    expect(seen).toEqual(['GET /api/v1/namespaces/default/configmaps/boom']);
    expect((await rawRequest(server, '/api/v1/namespaces/default/configmaps/boom')).status).toBe(404);
  });

  it('pages with limit/continue, counts the rest, and expires a continue token after compaction', async () => {
    await create('/api/v1/namespaces', { metadata: { name: 'paging' } });
    for (const name of ['p1', 'p2', 'p3']) {
      await create('/api/v1/namespaces/paging/configmaps', { metadata: { name } });
    }
    const first = (await rawRequest(server, '/api/v1/namespaces/paging/configmaps?limit=2')).json<Obj>();
    expect(first.items.map((i: Obj) => i.metadata.name)).toEqual(['p1', 'p2']);
    expect(first.metadata.remainingItemCount).toBe(1);
    const token = encodeURIComponent(first.metadata.continue);
    // Changes after the first page do not show in the rest: the list reads the first page's snapshot.
    await del('/api/v1/namespaces/paging/configmaps/p3');
    await create('/api/v1/namespaces/paging/configmaps', { metadata: { name: 'p9' } });
    const second = (
      await rawRequest(server, `/api/v1/namespaces/paging/configmaps?limit=2&continue=${token}`)
    ).json<Obj>();
    expect(second.items.map((i: Obj) => i.metadata.name)).toEqual(['p3']);
    expect(second.metadata.continue).toBeUndefined();
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const exact = await rawRequest(
      server,
      `/api/v1/namespaces/paging/configmaps?resourceVersion=${first.metadata.resourceVersion}&resourceVersionMatch=Exact`,
    );
    expect(exact.json<Obj>().items.map((i: Obj) => i.metadata.name)).toEqual(['p1', 'p2', 'p3']);
    // Like etcd, compaction at the current revision keeps that revision readable: a write must come first.
    await create('/api/v1/namespaces/paging/configmaps', { metadata: { name: 'p4' } });
    server.compactHistory();
    const expired = await rawRequest(
      server,
      `/api/v1/namespaces/paging/configmaps?limit=2&continue=${token}`,
    );
    expect(expired.status).toBe(410);
    expect(expired.json()).toMatchObject({ reason: 'Expired', code: 410 });
  });

  it('serves discovery documents', async () => {
    const core = (await rawRequest(server, '/api/v1')).json<Obj>();
    const services = core.resources.find((r: Obj) => r.name === 'services');
    expect(services).toMatchObject({ kind: 'Service', namespaced: true, shortNames: ['svc'] });
    expect(core.resources.find((r: Obj) => r.name === 'services/status')).toMatchObject({
      verbs: ['get', 'patch', 'update'],
    });
    const groups = (await rawRequest(server, '/apis')).json<Obj>();
    expect(groups.groups.map((g: Obj) => g.name).sort()).toEqual([
      'coordination.k8s.io',
      'discovery.k8s.io',
      'networking.k8s.io',
    ]);
    expect((await rawRequest(server, '/apis/example.com/v1')).status).toBe(404);
  });
});
