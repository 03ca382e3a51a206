import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, spawnCli } from '../support/cli.js';
import { waitFor } from '../support/wait-for.js';

const exec = promisify(execFile);

interface DemoRun {
  readonly stdout: () => string;
  readonly exited: Promise<number | null>;
  readonly kill: (signal: NodeJS.Signals) => void;
}

function envFromFile(path: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const match = /^export ([A-Z0-9_]+)='?(.*?)'?$/.exec(line);
    if (match?.[1]) env[match[1]] = match[2] ?? '';
  }
  return env;
}

describe('skyway demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skyway-demo-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const envFile = join(dir, 'env');
  let demo: DemoRun;

  beforeAll(async () => {
    assertBuilt();
    const child = spawnCli([
      'demo',
      '--kubeconfig-out',
      kubeconfig,
      '--env-out',
      envFile,
      '--interval',
      '200ms',
      '--duration',
      '5m',
    ]);
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    demo = {
      stdout: () => out,
      exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
      kill: (signal) => child.kill(signal),
    };
    await waitFor(() => out.includes('Press Ctrl-C'), { timeoutMs: 45_000, description: 'demo start' });
  });

  afterAll(() => demo?.kill('SIGKILL'));

  it('serves a cluster that kubectl can read through the kubeconfig it wrote', async () => {
    const nodes = JSON.parse(
      (await exec('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'json'])).stdout,
    );
    expect(nodes.items).toHaveLength(3);
    for (const node of nodes.items) {
      expect(node.spec.providerID).toMatch(/^aws:\/\/\/us-east-1[ab]\/i-[0-9a-f]+$/);
      expect(node.spec.podCIDR).toMatch(/^10\.244\.\d\.0\/24$/);
    }
    const service = JSON.parse(
      (
        await exec('kubectl', [
          '--kubeconfig',
          kubeconfig,
          'get',
          'svc',
          'web',
          '-n',
          'default',
          '-o',
          'json',
        ])
      ).stdout,
    );
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports[0].nodePort).toBeGreaterThanOrEqual(30000);
  });

  it('holds the leader Lease in kube-system', async () => {
    const lease = await waitFor(
      async () => {
        const { stdout } = await exec('kubectl', [
          '--kubeconfig',
          kubeconfig,
          'get',
          'lease',
          'skyway',
          '-n',
          'kube-system',
          '-o',
          'json',
        ]);
        const parsed = JSON.parse(stdout);
        return parsed.spec?.holderIdentity ? parsed : undefined;
      },
      { timeoutMs: 20_000, description: 'leader lease' },
    );
    expect(lease.spec.leaseDurationSeconds).toBe(15);
  });

  it('writes an env file that points the aws CLI at the demo cloud', async () => {
    const { stdout } = await exec('aws', ['ec2', 'describe-route-tables', '--output', 'json'], {
      env: envFromFile(envFile),
    });
    const tables = JSON.parse(stdout).RouteTables as { Tags?: { Key: string; Value: string }[] }[];
    const owned = tables.filter((table) =>
      table.Tags?.some((tag) => tag.Key === 'kubernetes.io/cluster/demo'),
    );
    expect(owned).toHaveLength(2);
  });

  it('converges: every pod CIDR routed in both tables, NetworkUnavailable cleared, source/dest checks off', async () => {
    await waitFor(
      () => (demo.stdout().match(/NetworkUnavailable=False \(RouteCreated\)/g) ?? []).length >= 3,
      {
        timeoutMs: 30_000,
        description: 'three routed nodes in the demo output',
      },
    );
    const routed = JSON.parse(
      (await exec('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '-o', 'json'])).stdout,
    );
    for (const node of routed.items) {
      const condition = node.status.conditions.find((c: { type: string }) => c.type === 'NetworkUnavailable');
      expect(condition).toMatchObject({ status: 'False', reason: 'RouteCreated' });
    }
    const { stdout } = await exec('aws', ['ec2', 'describe-route-tables', '--output', 'json'], {
      env: envFromFile(envFile),
    });
    const tables = (
      JSON.parse(stdout).RouteTables as {
        Tags?: { Key: string }[];
        Routes: { DestinationCidrBlock?: string }[];
      }[]
    ).filter((table) => table.Tags?.some((tag) => tag.Key === 'kubernetes.io/cluster/demo'));
    for (const table of tables) {
      const pod = table.Routes.map((route) => route.DestinationCidrBlock).filter((cidr) =>
        cidr?.startsWith('10.244.'),
      );
      expect(pod.sort()).toEqual(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24']);
    }
    await waitFor(() => (demo.stdout().match(/source\/dest check off/g) ?? []).length >= 3, {
      timeoutMs: 15_000,
    });
  });

  it('gives the LoadBalancer Service an NLB hostname that kubectl shows', async () => {
    const service = await waitFor(
      async () => {
        const { stdout } = await exec('kubectl', [
          '--kubeconfig',
          kubeconfig,
          'get',
          'svc',
          'web',
          '-o',
          'json',
        ]);
        const parsed = JSON.parse(stdout);
        return parsed.status?.loadBalancer?.ingress?.[0]?.hostname ? parsed : undefined;
      },
      { timeoutMs: 30_000, description: 'service hostname' },
    );
    expect(service.status.loadBalancer.ingress[0].hostname).toMatch(/\.elb\.amazonaws\.com$/);
    expect(service.metadata.finalizers).toContain('service.kubernetes.io/load-balancer-cleanup');
    const { stdout } = await exec('aws', ['elbv2', 'describe-load-balancers', '--output', 'json'], {
      env: envFromFile(envFile),
    });
    const names = (JSON.parse(stdout).LoadBalancers as { DNSName: string }[]).map((lb) => lb.DNSName);
    expect(names).toEqual([service.status.loadBalancer.ingress[0].hostname]);
  });

  it('stops everything it started on Ctrl-C', async () => {
    const endpoint = envFromFile(envFile).AWS_ENDPOINT_URL ?? '';
    demo.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.stdout()).toContain('demo stopped');
    await expect(fetch(`${endpoint}/moto-api/data.json`)).rejects.toThrow();
    await expect(
      exec('kubectl', ['--kubeconfig', kubeconfig, 'get', 'nodes', '--request-timeout', '3s']),
    ).rejects.toThrow();
  });
});
