import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiServer, startLocalApiServer } from '../../src/local/apiserver/index.js';
import { waitFor } from '../support/wait-for.js';

/**
 * kubectl is the reference client: every behaviour here is one a user (or a runbook) relies on against a
 * real cluster, checked through kubectl's own requests (discovery, OpenAPI, tables, apply's strategic merge).
 */
interface KubectlResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

let server: LocalApiServer;
let dir: string;
const children: ChildProcess[] = [];

function kubectl(args: readonly string[], stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'kubectl',
      ['--kubeconfig', server.kubeconfigPath!, ...args],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

async function ok(args: readonly string[], stdin?: string): Promise<string> {
  const result = await kubectl(args, stdin);
  if (result.code !== 0)
    throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result.stdout;
}

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary fields of kubectl's JSON output
type Json = Record<string, any>;

async function getJson(args: readonly string[]): Promise<Json> {
  return JSON.parse(await ok(['get', ...args, '-o', 'json'])) as Json;
}

function serviceYaml(options: {
  name: string;
  type: string;
  targetPort: number;
  extraPort?: boolean;
}): string {
  const extra = options.extraPort ? '\n  - name: https\n    port: 443\n    targetPort: 8443' : '';
  return `apiVersion: v1
kind: Service
metadata:
  name: ${options.name}
  labels: {app: ${options.name}}
spec:
  type: ${options.type}
  selector: {app: ${options.name}}
  ports:
  - name: http
    port: 80
    targetPort: ${options.targetPort}${extra}
`;
}

const configMapYaml = (name: string) =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;

const NODE_YAML = (name: string) => `apiVersion: v1
kind: Node
metadata:
  name: ${name}
  labels: {topology.kubernetes.io/zone: a, node-role.kubernetes.io/worker: ""}
spec:
  podCIDR: 10.244.1.0/24
  podCIDRs: [10.244.1.0/24]
  providerID: aws:///us-east-1a/i-0123456789
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'skyway-kubectl-'));
  server = await startLocalApiServer({ kubeconfigPath: join(dir, 'kubeconfig') });
});

afterAll(async () => {
  for (const child of children) child.kill();
  await server?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('kubectl against the local API server', () => {
  it('reads a kubeconfig written with mode 0600 and reports the server version', async () => {
    expect((await stat(server.kubeconfigPath!)).mode & 0o777).toBe(0o600);
    const version = JSON.parse(await ok(['version', '-o', 'json'])) as {
      serverVersion: { gitVersion: string };
    };
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.32\./);
  });

  it('lists the served kinds with their short names in api-resources', async () => {
    const out = await ok(['api-resources']);
    for (const line of [
      /^services\s+svc\s+v1\s+true\s+Service$/m,
      /^nodes\s+no\s+v1\s+false\s+Node$/m,
      /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m,
      /^ingresses\s+ing\s+networking\.k8s\.io\/v1\s+true\s+Ingress$/m,
      /^leases\s+coordination\.k8s\.io\/v1\s+true\s+Lease$/m,
      /^endpointslices\s+discovery\.k8s\.io\/v1\s+true\s+EndpointSlice$/m,
      /^events\s+ev\s+v1\s+true\s+Event$/m,
    ]) {
      expect(out).toMatch(line);
    }
  });

  it('applies a Service (with validation on), defaults it, and re-applies a change keeping its nodePort', async () => {
    expect(
      await ok(['apply', '-f', '-'], serviceYaml({ name: 'web', type: 'LoadBalancer', targetPort: 8080 })),
    ).toContain('service/web created');
    const created = await getJson(['svc', 'web']);
    expect(created.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(created.spec.clusterIPs).toEqual([created.spec.clusterIP]);
    expect(created.spec.ipFamilies).toEqual(['IPv4']);
    expect(created.spec.ipFamilyPolicy).toBe('SingleStack');
    expect(created.spec.sessionAffinity).toBe('None');
    expect(created.spec.externalTrafficPolicy).toBe('Cluster');
    expect(created.spec.allocateLoadBalancerNodePorts).toBe(true);
    const [port] = created.spec.ports;
    expect(port.protocol).toBe('TCP');
    expect(port.nodePort).toBeGreaterThanOrEqual(30000);
    expect(port.nodePort).toBeLessThanOrEqual(32767);
    expect(created.status).toEqual({ loadBalancer: {} });

    expect(
      await ok(
        ['apply', '-f', '-'],
        serviceYaml({ name: 'web', type: 'LoadBalancer', targetPort: 9090, extraPort: true }),
      ),
    ).toContain('service/web configured');
    const updated = await getJson(['svc', 'web']);
    expect(updated.spec.clusterIP).toBe(created.spec.clusterIP);
    expect(updated.spec.ports).toHaveLength(2);
    expect(updated.spec.ports[0]).toMatchObject({
      name: 'http',
      port: 80,
      targetPort: 9090,
      nodePort: port.nodePort,
    });
    expect(updated.spec.ports[1].nodePort).toBeGreaterThanOrEqual(30000);
    expect(updated.spec.ports[1].nodePort).not.toBe(port.nodePort);

    // Re-applying the same file is a no-op: nothing is written.
    const before = updated.metadata.resourceVersion;
    expect(
      await ok(
        ['apply', '-f', '-'],
        serviceYaml({ name: 'web', type: 'LoadBalancer', targetPort: 9090, extraPort: true }),
      ),
    ).toContain('service/web unchanged');
    expect((await getJson(['svc', 'web'])).metadata.resourceVersion).toBe(before);
  });

  it('drops the node ports when apply turns a LoadBalancer Service into ClusterIP', async () => {
    await ok(['apply', '-f', '-'], serviceYaml({ name: 'shrink', type: 'LoadBalancer', targetPort: 80 }));
    expect((await getJson(['svc', 'shrink'])).spec.ports[0].nodePort).toBeGreaterThan(0);
    await ok(['apply', '-f', '-'], serviceYaml({ name: 'shrink', type: 'ClusterIP', targetPort: 80 }));
    const svc = await getJson(['svc', 'shrink']);
    expect(svc.spec.type).toBe('ClusterIP');
    expect(svc.spec.ports[0].nodePort).toBeUndefined();
    expect(svc.spec.externalTrafficPolicy).toBeUndefined();
    expect(svc.spec.allocateLoadBalancerNodePorts).toBeUndefined();
  });

  it('prints server-side tables for several kinds at once', async () => {
    await ok(['apply', '-f', '-'], NODE_YAML('table-node'));
    const out = await ok(['get', 'svc,nodes', '-A']);
    expect(out).toMatch(/NAMESPACE\s+NAME\s+TYPE\s+CLUSTER-IP\s+EXTERNAL-IP\s+PORT\(S\)\s+AGE/);
    expect(out).toMatch(/default\s+service\/kubernetes\s+ClusterIP\s+10\.96\.0\.1\s+<none>\s+443\/TCP/);
    expect(out).toMatch(
      /default\s+service\/web\s+LoadBalancer\s+10\.\S+\s+<pending>\s+80:\d+\/TCP,443:\d+\/TCP/,
    );
    expect(out).toMatch(/NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION/);
    expect(out).toMatch(/node\/table-node\s+Unknown\s+worker/);
    const wide = await ok(['get', 'svc', 'web', '-o', 'wide']);
    expect(wide).toMatch(/SELECTOR\n.*app=web/);
  });

  it('rejects an invalid object with the real 422 message', async () => {
    const result = await kubectl(
      ['apply', '-f', '-'],
      serviceYaml({ name: 'Bad_Name', type: 'ClusterIP', targetPort: 80 }),
    );
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      'Service "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"',
    );
  });

  it('patches node status through the status subresource without touching spec', async () => {
    await ok(['apply', '-f', '-'], NODE_YAML('n1'));
    const patch = {
      spec: { unschedulable: true },
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: '2024-01-01T00:00:00Z',
            lastTransitionTime: '2024-01-01T00:00:00Z',
          },
        ],
        addresses: [{ type: 'InternalIP', address: '10.0.0.5' }],
      },
    };
    expect(
      await ok(['patch', 'node', 'n1', '--subresource=status', '--type=merge', '-p', JSON.stringify(patch)]),
    ).toContain('node/n1 patched');
    const node = await getJson(['node', 'n1']);
    expect(node.status.conditions[0]).toMatchObject({ type: 'Ready', status: 'True' });
    expect(node.status.addresses).toEqual([{ type: 'InternalIP', address: '10.0.0.5' }]);
    expect(node.spec.unschedulable).toBeUndefined();
    expect(node.spec.podCIDR).toBe('10.244.1.0/24');
    expect(await ok(['get', 'node', 'n1'])).toMatch(/n1\s+Ready\s+worker/);
  });

  it('describes a node, with its conditions, addresses and events', async () => {
    const node = await getJson(['node', 'n1']);
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'n1.route', namespace: 'default' },
      involvedObject: { kind: 'Node', name: 'n1', uid: node.metadata.uid, apiVersion: 'v1' },
      reason: 'CreatedRoute',
      message: 'Created route for 10.244.1.0/24',
      type: 'Normal',
      source: { component: 'skyway' },
      firstTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      lastTimestamp: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      count: 1,
    };
    await ok(['create', '-f', '-'], JSON.stringify(event));
    const out = await ok(['describe', 'node', 'n1']);
    expect(out).toMatch(/^Name:\s+n1$/m);
    expect(out).toMatch(/Ready\s+True/);
    expect(out).toMatch(/InternalIP:\s+10\.0\.0\.5/);
    expect(out).toMatch(/PodCIDRs:\s+10\.244\.1\.0\/24/);
    expect(out).toMatch(/Normal\s+CreatedRoute\s+\S+\s+skyway\s+Created route for 10\.244\.1\.0\/24/);
  });

  it('filters events by involvedObject with a field selector', async () => {
    const other = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.ensuring', namespace: 'default' },
      involvedObject: { kind: 'Service', name: 'web', namespace: 'default' },
      reason: 'EnsuringLoadBalancer',
      message: 'Ensuring load balancer',
      type: 'Normal',
    };
    await ok(['create', '-f', '-'], JSON.stringify(other));
    const forWeb = await getJson(['events', '-n', 'default', '--field-selector', 'involvedObject.name=web']);
    expect(forWeb.items.map((e: { metadata: { name: string } }) => e.metadata.name)).toEqual([
      'web.ensuring',
    ]);
    const table = await ok([
      'get',
      'events',
      '-n',
      'default',
      '--field-selector',
      'involvedObject.kind=Service',
    ]);
    expect(table).toMatch(/LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE/);
    expect(table).toMatch(/Normal\s+EnsuringLoadBalancer\s+service\/web\s+Ensuring load balancer/);
    expect(table).not.toContain('CreatedRoute');
    const bad = await kubectl(['get', 'events', '--field-selector', 'spec.nonsense=x']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('field label not supported: spec.nonsense');
  });

  it('deletes an object with a finalizer only once the finalizer is removed', async () => {
    await ok(['apply', '-f', '-'], NODE_YAML('doomed'));
    await ok([
      'patch',
      'node',
      'doomed',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["skyway.dev/cleanup"]}}',
    ]);
    expect(await ok(['delete', 'node', 'doomed', '--wait=false'])).toContain('node "doomed" deleted');
    const lingering = await getJson(['node', 'doomed']);
    expect(lingering.metadata.deletionTimestamp).toMatch(/Z$/);
    expect(lingering.metadata.deletionGracePeriodSeconds).toBe(0);
    expect(lingering.metadata.finalizers).toEqual(['skyway.dev/cleanup']);

    const adding = await kubectl([
      'patch',
      'node',
      'doomed',
      '--type=merge',
      '-p',
      '{"metadata":{"finalizers":["a","skyway.dev/cleanup"]}}',
    ]);
    expect(adding.code).not.toBe(0);
    expect(adding.stderr).toContain('no new finalizers can be added if the object is being deleted');

    await ok([
      'patch',
      'node',
      'doomed',
      '--type=json',
      '-p',
      '[{"op":"remove","path":"/metadata/finalizers/0"}]',
    ]);
    const gone = await kubectl(['get', 'node', 'doomed']);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toContain('nodes "doomed" not found');
  });

  it('creates objects from kubectl create, whose typed clients send protobuf bodies', async () => {
    await ok(['create', 'namespace', 'made']);
    expect((await getJson(['namespace', 'made'])).metadata.labels).toEqual({
      'kubernetes.io/metadata.name': 'made',
    });
    await ok(['create', 'secret', 'generic', 'creds', '-n', 'made', '--from-literal=key=value']);
    expect((await getJson(['secret', 'creds', '-n', 'made'])).data).toEqual({ key: 'dmFsdWU=' });
    await ok(['create', 'serviceaccount', 'robot', '-n', 'made']);
    await ok(['create', 'service', 'nodeport', 'np', '-n', 'made', '--tcp=80:8080', '--node-port=30999']);
    const svc = await getJson(['svc', 'np', '-n', 'made']);
    expect(svc.metadata).not.toHaveProperty('generateName');
    expect(svc.spec).toMatchObject({
      type: 'NodePort',
      selector: { app: 'np' },
      sessionAffinity: 'None',
      ports: [{ name: '80-8080', port: 80, targetPort: 8080, nodePort: 30999, protocol: 'TCP' }],
    });
    await ok([
      'create',
      'ingress',
      'web',
      '-n',
      'made',
      '--class=skyway',
      '--rule=example.com/api*=api:8080,tls=cert',
    ]);
    const ingress = await getJson(['ingress', 'web', '-n', 'made']);
    expect(ingress.spec).toEqual({
      ingressClassName: 'skyway',
      rules: [
        {
          host: 'example.com',
          http: {
            paths: [
              {
                path: '/api',
                pathType: 'Prefix',
                backend: { service: { name: 'api', port: { number: 8080 } } },
              },
            ],
          },
        },
      ],
      tls: [{ hosts: ['example.com'], secretName: 'cert' }],
    });
    expect(await ok(['get', 'ingress', '-n', 'made'])).toMatch(/web\s+skyway\s+example\.com\s+80, 443/);
  });

  it('server-side applies, dropping fields the manager stopped applying', async () => {
    const config = (labels: string, ports: string) => `apiVersion: v1
kind: Service
metadata:
  name: ssa
  labels: {${labels}}
spec:
  type: LoadBalancer
  ports:
${ports}`;
    const both = '  - {name: http, port: 80, targetPort: 8080}\n  - {name: https, port: 443}\n';
    expect(await ok(['apply', '--server-side', '-f', '-'], config('a: "1", b: "2"', both))).toContain(
      'service/ssa serverside-applied',
    );
    const first = await getJson(['svc', 'ssa']);
    expect(first.spec.ports).toHaveLength(2);
    await ok(
      ['apply', '--server-side', '-f', '-'],
      config('a: "1"', '  - {name: http, port: 80, targetPort: 8080}\n'),
    );
    const second = await getJson(['svc', 'ssa']);
    expect(second.metadata.labels).toEqual({ a: '1' });
    expect(second.spec.ports).toEqual([first.spec.ports[0]]);
    expect(second.spec.clusterIP).toBe(first.spec.clusterIP);
  });

  it('waits for a node condition and prints cordoned nodes as the real printer does', async () => {
    await ok(['apply', '-f', '-'], NODE_YAML('waiter'));
    const waiting = kubectl(['wait', '--for=condition=Ready', 'node/waiter', '--timeout=15s']);
    await ok([
      'patch',
      'node',
      'waiter',
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"conditions":[{"type":"Ready","status":"True"}]}}',
    ]);
    expect((await waiting).stdout).toContain('node/waiter condition met');
    await ok(['cordon', 'waiter']);
    expect(await ok(['get', 'node', 'waiter'])).toMatch(/waiter\s+Ready,SchedulingDisabled\s+worker/);
  });

  it('deletes a namespace and everything in it', async () => {
    await ok(['create', 'namespace', 'scratch']);
    await ok(['create', 'configmap', 'settings', '-n', 'scratch', '--from-literal=a=b']);
    await ok(
      ['apply', '-n', 'scratch', '-f', '-'],
      serviceYaml({ name: 'inner', type: 'NodePort', targetPort: 80 }),
    );
    expect(await ok(['delete', 'namespace', 'scratch', '--timeout=10s'])).toContain(
      'namespace "scratch" deleted',
    );
    expect((await kubectl(['get', 'namespace', 'scratch'])).stderr).toContain(
      'namespaces "scratch" not found',
    );
    const missing = await kubectl(['create', 'configmap', 'x', '-n', 'scratch']);
    expect(missing.stderr).toContain('namespaces "scratch" not found');
  });

  it('streams watch events for changes made after the watch started', async () => {
    await ok(['apply', '-f', '-'], NODE_YAML('watched'));
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        server.kubeconfigPath!,
        'get',
        'nodes',
        '--watch',
        '-o',
        'json',
        '--output-watch-events',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    const events = () =>
      stdout
        .split(/\n(?=\{)/)
        .filter((chunk) => chunk.trim() !== '')
        .map(
          (chunk) =>
            JSON.parse(chunk) as { type: string; object: { metadata: { name: string; labels?: object } } },
        );
    await waitFor(() => events().some((e) => e.type === 'ADDED' && e.object.metadata.name === 'watched'), {
      description: 'initial ADDED event',
      timeoutMs: 10_000,
    });
    await ok(['label', 'node', 'watched', 'changed=yes']);
    const modified = await waitFor(
      () => events().find((e) => e.type === 'MODIFIED' && e.object.metadata.name === 'watched'),
      { description: 'MODIFIED event', timeoutMs: 10_000 },
    );
    expect(modified.object.metadata.labels).toMatchObject({ changed: 'yes' });
    await ok(['delete', 'node', 'watched']);
    await waitFor(() => events().some((e) => e.type === 'DELETED' && e.object.metadata.name === 'watched'), {
      description: 'DELETED event',
      timeoutMs: 10_000,
    });
    child.kill();
  });

  it('selects by label and pages through a list', async () => {
    for (const name of ['sel-a', 'sel-b', 'sel-c']) {
      await ok(['apply', '-n', 'default', '-f', '-'], configMapYaml(name));
      await ok(['label', 'configmap', name, `tier=${name === 'sel-c' ? 'backend' : 'frontend'}`]);
    }
    const frontend = await getJson(['configmaps', '-l', 'tier in (frontend),tier!=backend']);
    expect(frontend.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual([
      'sel-a',
      'sel-b',
    ]);
    const paged = await getJson(['configmaps', '-l', 'tier', '--chunk-size=1']);
    expect(paged.items.map((c: { metadata: { name: string } }) => c.metadata.name)).toEqual([
      'sel-a',
      'sel-b',
      'sel-c',
    ]);
  });
});
