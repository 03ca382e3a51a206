import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, envWithoutCloudIdentity, runCli } from '../support/cli.js';

const home = mkdtempSync(join(tmpdir(), 'skyway-cli-'));
const env = envWithoutCloudIdentity(home);
const valid = [
  '--provider',
  'aws',
  '--cluster-name',
  'demo',
  '--region',
  'us-east-1',
  '--cluster-cidr',
  '10.244.0.0/16',
];

function oneLine(text: string): string {
  const lines = text.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0] ?? '';
}

describe('skyway CLI configuration errors', () => {
  beforeAll(() => assertBuilt());

  it.each([
    [['run'], 'skyway: --provider: required: aws or gcp'],
    [['run', '--provider', 'azure', '--cluster-name', 'x'], 'skyway: --provider: required: aws or gcp'],
    [['run', '--provider', 'aws', '--region', 'us-east-1'], 'skyway: --cluster-name: required'],
    [
      [...['run', ...valid], '--concurrency', 'many'],
      'skyway: --concurrency: must be an integer from 1 to 100',
    ],
    [[...['run', ...valid], '--metrics-addr', 'nowhere'], 'skyway: --metrics-addr: must be host:port'],
    [
      [...['run', ...valid], '--controllers', 'teleport'],
      'skyway: --controllers: unknown controller "teleport"',
    ],
    [['run', '--provider', 'gcp', '--cluster-name', 'x', '--region', 'r'], 'skyway: --project: required'],
    [['plan', ...valid, '--output', 'yaml'], 'skyway: --output: must be table or json'],
    [['run', '--bogus'], "skyway: unknown option '--bogus'"],
    [['teleport'], "skyway: unknown command 'teleport'"],
  ])('skyway %j exits 2 with one line naming the flag', async (args, expected) => {
    const result = await runCli(args, env);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr).startsWith(expected)).toBe(true);
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it('reads flags from SKYWAY_* variables and names the flag when one is bad', async () => {
    const result = await runCli(['run'], {
      ...env,
      SKYWAY_PROVIDER: 'aws',
      SKYWAY_CLUSTER_NAME: 'Not_A_Label',
    });
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toMatch(/^skyway: --cluster-name: must be lower-case/);
  });

  it('names a bad key in a --config file', async () => {
    const file = join(home, 'skyway.yaml');
    writeFileSync(
      file,
      'provider: aws\nclusterName: demo\nregion: us-east-1\nleaderElectLeaseDurration: 15s\n',
    );
    const result = await runCli(['run', '--config', file], env);
    expect(result.code).toBe(2);
    expect(oneLine(result.stderr)).toBe('skyway: --config: unknown key(s) leaderElectLeaseDurration');
  });

  it('says clearly, without a stack trace, that AWS credentials are missing', async () => {
    const kubeconfig = join(home, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
    const result = await runCli(['run', ...valid, '--kubeconfig', kubeconfig], env);
    expect(result.code).toBe(1);
    expect(oneLine(result.stderr)).toMatch(/^skyway: no AWS credentials found .*AWS_ACCESS_KEY_ID/);
  });

  it('says which kubeconfig sources it tried when none works', async () => {
    const result = await runCli(['run', ...valid], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^skyway: .*kubeconfig/i);
  });

  it('prints help and exits 0', async () => {
    const result = await runCli(['run', '--help'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--leader-elect-lease-duration');
    expect(result.stdout).toContain('SKYWAY_CLUSTER_CIDR');
  });
});
