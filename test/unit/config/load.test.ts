import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadRunConfig } from '../../../src/config/load.js';

const CONTROLLERS = ['routes', 'nodes', 'services'];
const base = { provider: 'aws', clusterName: 'demo', region: 'us-east-1', clusterCidr: '10.244.0.0/16' };

function load(flags: Record<string, unknown>, env: Record<string, string> = {}, configFile?: string) {
  return loadRunConfig({
    flags,
    env,
    availableControllers: CONTROLLERS,
    ...(configFile ? { configFile } : {}),
  });
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('loadRunConfig', () => {
  it('applies kube-controller-manager defaults', () => {
    const config = load(base);
    expect(config.controllers).toEqual(CONTROLLERS);
    expect(config.leaderElect).toBe(true);
    expect(config.leaderElectLeaseDuration).toBe(15_000);
    expect(config.leaderElectRenewDeadline).toBe(10_000);
    expect(config.leaderElectRetryPeriod).toBe(2_000);
    expect(config.metricsAddr).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(config.healthAddr).toEqual({ host: '0.0.0.0', port: 8081 });
    expect(config.resyncPeriod).toBe(600_000);
    expect(config.clusterCidr).toEqual(['10.244.0.0/16']);
  });

  it('normalises CIDRs and accepts IPv6', () => {
    const config = load({ ...base, clusterCidr: '10.244.3.7/16, fd00:10:244:0:0::/56' });
    expect(config.clusterCidr).toEqual(['10.244.0.0/16', 'fd00:10:244::/56']);
  });

  it('layers flags over env over the config file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyway-config-'));
    const file = join(dir, 'skyway.yaml');
    writeFileSync(
      file,
      'provider: aws\nclusterName: from-file\nregion: eu-west-1\nconcurrency: 3\nlogLevel: debug\n',
    );
    const config = load(
      { clusterCidr: '10.0.0.0/8', logLevel: 'warn' },
      { SKYWAY_CLUSTER_NAME: 'from-env', SKYWAY_LOG_LEVEL: 'error' },
      file,
    );
    expect(config.clusterName).toBe('from-env');
    expect(config.region).toBe('eu-west-1');
    expect(config.concurrency).toBe(3);
    expect(config.logLevel).toBe('warn');
  });

  it('takes the AWS region from AWS_REGION and the lease namespace from POD_NAMESPACE', () => {
    const { region: _region, ...rest } = base;
    const config = load(rest, { AWS_REGION: 'ap-south-1', POD_NAMESPACE: 'skyway-system' });
    expect(config.region).toBe('ap-south-1');
    expect(config.leaderElectNamespace).toBe('skyway-system');
  });

  it('parses durations, listen addresses and booleans', () => {
    const config = load({
      ...base,
      leaderElect: 'false',
      resyncPeriod: '1m30s',
      metricsAddr: '127.0.0.1:9090',
      healthAddr: '0',
    });
    expect(config.leaderElect).toBe(false);
    expect(config.resyncPeriod).toBe(90_000);
    expect(config.metricsAddr).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.healthAddr).toBeNull();
  });

  it.each([
    [{ ...base, provider: 'azure' }, '--provider: required: aws or gcp'],
    [{ ...base, clusterName: undefined }, '--cluster-name: required'],
    [{ ...base, clusterName: 'Bad_Name' }, '--cluster-name: must be lower-case'],
    [{ ...base, provider: 'gcp' }, '--project: required with --provider gcp'],
    [{ ...base, clusterCidr: '10.0.0.0/33' }, '--cluster-cidr: "10.0.0.0/33" is not a CIDR'],
    [{ ...base, clusterCidr: undefined }, '--cluster-cidr: required when the routes controller runs'],
    [{ ...base, controllers: 'routes,bogus' }, '--controllers: unknown controller "bogus"'],
    [{ ...base, concurrency: '0' }, '--concurrency: must be an integer from 1 to 100'],
    [{ ...base, resyncPeriod: '10' }, '--resync-period: invalid duration "10"'],
    [{ ...base, metricsAddr: 'localhost' }, '--metrics-addr: must be host:port'],
    [{ ...base, leaderElectRenewDeadline: '20s' }, '--leader-elect-renew-deadline: must be shorter'],
    [{ ...base, logLevel: 'loud' }, '--log-level: must be one of'],
    [{ ...base, gcpEndpoint: 'not a url' }, '--gcp-endpoint: must be a URL'],
  ])('rejects %j with one line naming the flag', (flags, expected) => {
    const message = errorOf(() => load(flags));
    expect(message.startsWith(expected)).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('names unknown keys and unreadable files in --config', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skyway-config-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'provider: aws\nclusterNmae: typo\n');
    expect(errorOf(() => load({}, {}, file))).toBe('--config: unknown key(s) clusterNmae');
    expect(errorOf(() => load({}, {}, join(dir, 'missing.yaml')))).toContain('--config: cannot read');
  });
});
