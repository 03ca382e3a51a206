import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRouteTablesCommand } from '@aws-sdk/client-ec2';
import { CoordinationV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiServer, startLocalApiServer } from '../../src/local/apiserver/index.js';
import { seedAwsCluster } from '../../src/local/demo/aws-seed.js';
import { seedCluster } from '../../src/local/demo/cluster-seed.js';
import type { MotoServer } from '../../src/local/moto.js';
import { plainEc2, podRoutes } from '../support/aws-cluster.js';
import { assertBuilt, runCli, spawnCli } from '../support/cli.js';
import { startMotoForTests } from '../support/moto.js';
import { waitFor } from '../support/wait-for.js';

interface LogLine {
  readonly msg?: string;
  readonly metrics?: string;
  readonly health?: string;
  readonly identity?: string;
}

describe('skyway run and plan against the local API server and moto_server', () => {
  let server: LocalApiServer;
  let moto: MotoServer;
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'skyway-run-')), 'kubeconfig');
  const flags = [
    '--provider',
    'aws',
    '--cluster-name',
    'e2e',
    '--region',
    'us-east-1',
    '--kubeconfig',
    kubeconfig,
    '--cluster-cidr',
    '10.244.0.0/16',
  ];

  beforeAll(async () => {
    assertBuilt();
    server = await startLocalApiServer({ kubeconfigPath: kubeconfig });
    moto = await startMotoForTests();
  });

  afterAll(async () => {
    await moto?.stop();
    await server?.stop();
  });

  it('plan lists the route and source/dest actions it would take, and writes nothing', async () => {
    const ec2 = plainEc2(moto.endpoint);
    const aws = await seedAwsCluster(ec2, {
      clusterName: 'e2e',
      zones: ['us-east-1a', 'us-east-1b'],
      nodeCount: 2,
    });
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfigYaml());
    await seedCluster(
      kc.makeApiClient(CoreV1Api),
      aws.nodes.map((node) => ({
        nodeName: node.nodeName,
        providerId: `aws:///${node.zone}/${node.instanceId}`,
        internalIp: node.privateIp,
        podCidr: node.podCidr,
        zone: node.zone,
      })),
    );

    const result = await runCli(['plan', ...flags, '--output', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const plans = JSON.parse(result.stdout) as {
      controller: string;
      plan: { actions: { op: string; id: string }[] };
    }[];
    const routes = plans.find((entry) => entry.controller === 'routes')?.plan.actions ?? [];
    expect(routes.map((action) => action.op)).toEqual(['create', 'create', 'create', 'create']);
    expect(routes.map((action) => action.id).sort()).toEqual(
      aws.routeTableIds.flatMap((table) => aws.nodes.map((node) => `${table}/${node.podCidr}`)).sort(),
    );
    const balancer = plans.find((entry) => entry.controller === 'services')?.plan.actions ?? [];
    expect(balancer.filter((action) => action.op === 'create').map((action) => action.id)).toEqual(
      expect.arrayContaining(['lb', 'listener/80']),
    );
    const forwarding = plans.find((entry) => entry.controller === 'nodes')?.plan.actions ?? [];
    expect(forwarding.map((action) => action.id).sort()).toEqual(
      aws.nodes.map((node) => `${node.instanceId}/forwarding`).sort(),
    );

    const table = await runCli(['plan', ...flags]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^CONTROLLER +SCOPE +ACTION$/m);
    expect(table.stdout).toMatch(/^routes +\S+ +create rtb-/m);
    expect(table.stdout).toMatch(
      /^nodes +node-forwarding +update i-\S+\/forwarding \(SourceDestCheck=false\)$/m,
    );

    for (const tableId of aws.routeTableIds) {
      const described = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }));
      expect(podRoutes(described.RouteTables?.[0]?.Routes ?? [])).toEqual({});
    }
    ec2.destroy();
  });

  it('run serves probes and metrics, leads, and on SIGTERM releases its lease and exits 0', async () => {
    const child = spawnCli([
      'run',
      ...flags,
      '--metrics-addr',
      '127.0.0.1:0',
      '--health-addr',
      '127.0.0.1:0',
      '--leader-elect-namespace',
      'kube-system',
    ]);
    const lines: LogLine[] = [];
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const complete = buffer.split('\n');
      buffer = complete.pop() ?? '';
      for (const line of complete) lines.push(JSON.parse(line) as LogLine);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const serving = await waitFor(() => lines.find((line) => line.msg === 'serving'), {
        timeoutMs: 20_000,
      });
      await waitFor(() => lines.some((line) => line.msg === 'started leading'), { timeoutMs: 20_000 });
      const ready = await fetch(`${serving.health}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toContain('readyz check passed');
      expect((await fetch(`${serving.health}/healthz`)).status).toBe(200);
      const metrics = await (await fetch(`${serving.metrics}/metrics`)).text();
      expect(metrics).toMatch(/^skyway_leader 1$/m);
      expect(metrics).toContain('process_cpu_seconds_total');

      const kc = new KubeConfig();
      kc.loadFromString(server.kubeconfigYaml());
      const leases = kc.makeApiClient(CoordinationV1Api);
      const held = await leases.readNamespacedLease({ namespace: 'kube-system', name: 'skyway' });
      expect(held.spec?.holderIdentity).toBe(serving.identity);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      const released = await leases.readNamespacedLease({ namespace: 'kube-system', name: 'skyway' });
      expect(released.spec?.holderIdentity ?? '').toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
