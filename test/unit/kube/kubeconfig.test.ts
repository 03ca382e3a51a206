import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/kube/errors.js';
import { loadKubeConfig, loadKubeConfigWithSource } from '../../../src/kube/kubeconfig.js';

function kubeconfigYaml(options: { cluster: string; server: string; currentContext: string | null }): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${options.cluster}`,
    '  cluster:',
    `    server: ${options.server}`,
    'users:',
    `- name: ${options.cluster}-user`,
    '  user:',
    '    token: t',
    'contexts:',
    `- name: ${options.cluster}`,
    '  context:',
    `    cluster: ${options.cluster}`,
    `    user: ${options.cluster}-user`,
    options.currentContext === null ? '' : `current-context: ${options.currentContext}`,
    '',
  ].join('\n');
}

describe('loadKubeConfig', () => {
  let dir: string;
  let home: string;
  let serviceAccountDir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'skyway-kubeconfig-'));
    home = join(dir, 'home');
    serviceAccountDir = join(dir, 'sa');
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeConfig(
    name: string,
    cluster: string,
    server: string,
    currentContext: string | null = cluster,
  ) {
    const file = join(dir, name);
    writeFileSync(file, kubeconfigYaml({ cluster, server, currentContext }));
    return file;
  }

  function writeServiceAccount(files: { token?: boolean; ca?: boolean } = {}) {
    mkdirSync(serviceAccountDir, { recursive: true });
    if (files.token !== false) writeFileSync(join(serviceAccountDir, 'token'), 'sa-token');
    if (files.ca !== false) writeFileSync(join(serviceAccountDir, 'ca.crt'), 'not-a-real-pem');
    writeFileSync(join(serviceAccountDir, 'namespace'), 'kube-system\n');
  }

  const inClusterEnv = { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' };

  it('uses --kubeconfig before anything else', () => {
    const explicit = writeConfig('explicit.yaml', 'explicit', 'https://explicit:6443');
    const fromEnv = writeConfig('env.yaml', 'env', 'https://env:6443');
    writeServiceAccount();
    const loaded = loadKubeConfigWithSource({
      kubeconfigPath: explicit,
      env: { ...inClusterEnv, KUBECONFIG: fromEnv },
      serviceAccountDir,
      homeDir: home,
    });
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://explicit:6443');
    expect(loaded.source).toBe(`--kubeconfig ${explicit}`);
  });

  it('fails on a missing --kubeconfig instead of falling back', () => {
    const fromEnv = writeConfig('env.yaml', 'env', 'https://env:6443');
    expect(() =>
      loadKubeConfig({ kubeconfigPath: join(dir, 'nope.yaml'), env: { KUBECONFIG: fromEnv }, homeDir: home }),
    ).toThrow(ConfigError);
    expect(() => loadKubeConfig({ kubeconfigPath: join(dir, 'nope.yaml'), env: {}, homeDir: home })).toThrow(
      /nope\.yaml: file not found/,
    );
  });

  it('merges a KUBECONFIG list like kubectl: missing files skipped, the first definition and context win', () => {
    const first = writeConfig('a.yaml', 'a', 'https://a:6443');
    const second = writeConfig('b.yaml', 'b', 'https://b:6443');
    const kc = loadKubeConfig({
      env: { KUBECONFIG: [join(dir, 'missing.yaml'), first, second].join(':') },
      serviceAccountDir,
      homeDir: home,
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://a:6443');
    expect(kc.getClusters().map((c) => c.name)).toEqual(['a', 'b']);
    expect(kc.getContexts().map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('takes current-context from a later KUBECONFIG file when the first has none', () => {
    const first = writeConfig('a.yaml', 'a', 'https://a:6443', null);
    const second = writeConfig('b.yaml', 'b', 'https://b:6443');
    const kc = loadKubeConfig({ env: { KUBECONFIG: `${first}:${second}` }, homeDir: home });
    expect(kc.getCurrentCluster()?.server).toBe('https://b:6443');
  });

  it('fails when KUBECONFIG lists no existing file', () => {
    writeServiceAccount();
    expect(() =>
      loadKubeConfig({
        env: { ...inClusterEnv, KUBECONFIG: join(dir, 'x.yaml') },
        serviceAccountDir,
        homeDir: home,
      }),
    ).toThrow(/none of the listed files exists/);
  });

  it('fails on a file without a usable current-context', () => {
    const file = writeConfig('a.yaml', 'a', 'https://a:6443', null);
    expect(() => loadKubeConfig({ kubeconfigPath: file })).toThrow(/no current-context/);
    const dangling = writeConfig('b.yaml', 'b', 'https://b:6443', 'elsewhere');
    expect(() => loadKubeConfig({ kubeconfigPath: dangling })).toThrow(/"elsewhere" is not defined/);
  });

  it('uses the in-cluster service account when neither flag nor KUBECONFIG is set', async () => {
    writeServiceAccount();
    writeFileSync(join(home, 'unused'), '');
    const loaded = loadKubeConfigWithSource({ env: inClusterEnv, serviceAccountDir, homeDir: home });
    expect(loaded.source).toBe('in-cluster');
    const kc = loaded.kubeConfig;
    expect(kc.getCurrentCluster()).toMatchObject({
      server: 'https://10.96.0.1:443',
      caFile: join(serviceAccountDir, 'ca.crt'),
      skipTLSVerify: false,
    });
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('kube-system');
    const headers: Record<string, string> = {};
    const request: RequestOptions = { headers };
    await kc.applyToHTTPSOptions(request);
    expect(headers.Authorization).toBe('Bearer sa-token');
  });

  it('brackets an IPv6 service host', () => {
    writeServiceAccount();
    const kc = loadKubeConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      serviceAccountDir,
      homeDir: home,
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://[fd00::1]:443');
  });

  it('falls back to ~/.kube/config when the in-cluster token is missing', () => {
    writeServiceAccount({ token: false });
    mkdirSync(join(home, '.kube'));
    writeFileSync(
      join(home, '.kube', 'config'),
      kubeconfigYaml({ cluster: 'h', server: 'https://home:6443', currentContext: 'h' }),
    );
    const loaded = loadKubeConfigWithSource({ env: inClusterEnv, serviceAccountDir, homeDir: home });
    expect(loaded.kubeConfig.getCurrentCluster()?.server).toBe('https://home:6443');
    expect(loaded.source).toBe(join(home, '.kube', 'config'));
  });

  it('names every source it tried when there is nothing', () => {
    let error: unknown;
    try {
      loadKubeConfig({
        env: { KUBERNETES_SERVICE_HOST: '10.96.0.1', KUBERNETES_SERVICE_PORT: '443' },
        serviceAccountDir,
        homeDir: home,
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toContain('--kubeconfig');
    expect(message).toContain('KUBECONFIG');
    expect(message).toContain(`in-cluster (${join(serviceAccountDir, 'token')} not found)`);
    expect(message).toContain(join(home, '.kube', 'config'));
  });

  it('says why in-cluster was skipped when the service env is absent', () => {
    expect(() => loadKubeConfig({ env: {}, serviceAccountDir, homeDir: home })).toThrow(
      /in-cluster \(KUBERNETES_SERVICE_HOST\/PORT not set\)/,
    );
  });
});
