import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoordinationV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalApiServer, startLocalApiServer } from '../../src/local/apiserver/index.js';
import type { MotoServer } from '../../src/local/moto.js';
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

  it('plan prints an empty plan and writes nothing', async () => {
    const result = await runCli(['plan', ...flags, '--output', 'json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
    const table = await runCli(['plan', ...flags]);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe('no controllers enabled: nothing to plan\n');
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
