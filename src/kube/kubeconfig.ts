import { existsSync, readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { ConfigError } from './errors.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export interface LoadKubeConfigOptions {
  /** `--kubeconfig`: when given it is the only source tried, and a missing file is an error. */
  readonly kubeconfigPath?: string;
  /** Where `KUBECONFIG` and `KUBERNETES_SERVICE_HOST/PORT` are read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The mounted service-account token, CA and namespace. Default: `/var/run/secrets/kubernetes.io/serviceaccount`. */
  readonly serviceAccountDir?: string;
  /** Whose `~/.kube/config` is the last resort. Default: `os.homedir()`. */
  readonly homeDir?: string;
}

export interface LoadedKubeConfig {
  readonly kubeConfig: KubeConfig;
  /** Where it came from, for the startup log line: `--kubeconfig /x`, `KUBECONFIG a:b`, `in-cluster`, `~/.kube/config`. */
  readonly source: string;
}

/**
 * The client configuration, in controller-runtime's order: `--kubeconfig`, then `KUBECONFIG`, then the
 * in-cluster service account, then `~/.kube/config`. Throws ConfigError naming every source tried.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  return loadKubeConfigWithSource(options).kubeConfig;
}

export function loadKubeConfigWithSource(options: LoadKubeConfigOptions = {}): LoadedKubeConfig {
  const env = options.env ?? process.env;
  if (options.kubeconfigPath !== undefined) {
    const source = `--kubeconfig ${options.kubeconfigPath}`;
    if (!existsSync(options.kubeconfigPath)) throw new ConfigError(`${source}: file not found`);
    return { kubeConfig: checked(loadFiles([options.kubeconfigPath], source), source), source };
  }

  const tried: string[] = [];
  const kubeconfigEnv = env.KUBECONFIG;
  if (kubeconfigEnv) {
    const source = `KUBECONFIG ${kubeconfigEnv}`;
    // Like kubectl: files in the list that do not exist are skipped, but an explicit list with none is an error.
    const files = kubeconfigEnv.split(delimiter).filter((file) => file !== '' && existsSync(file));
    if (files.length === 0) throw new ConfigError(`${source}: none of the listed files exists`);
    return { kubeConfig: checked(loadFiles(files, source), source), source };
  }
  tried.push('--kubeconfig (not given)', 'KUBECONFIG (not set)');

  const inCluster = loadInCluster(env, options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR);
  if (inCluster.kubeConfig) return { kubeConfig: inCluster.kubeConfig, source: 'in-cluster' };
  tried.push(`in-cluster (${inCluster.reason})`);

  const home = options.homeDir ?? homedir();
  const homeConfig = join(home, '.kube', 'config');
  if (existsSync(homeConfig)) {
    const source = homeConfig;
    return { kubeConfig: checked(loadFiles([homeConfig], source), source), source };
  }
  tried.push(`${homeConfig} (not found)`);
  throw new ConfigError(`no Kubernetes configuration found; tried: ${tried.join('; ')}`);
}

/** Merges kubeconfig files the way kubectl does: the first file to define a name (or current-context) wins. */
function loadFiles(files: readonly string[], source: string): KubeConfig {
  const merged = new KubeConfig();
  merged.loadFromOptions({ clusters: [], users: [], contexts: [], currentContext: '' });
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (error) {
      throw new ConfigError(`${source}: cannot load ${file}: ${(error as Error).message}`, { cause: error });
    }
    for (const cluster of one.clusters ?? []) {
      if (!merged.getCluster(cluster.name)) merged.addCluster(cluster);
    }
    for (const user of one.users ?? []) {
      if (!merged.getUser(user.name)) merged.addUser(user);
    }
    for (const context of one.contexts ?? []) {
      if (!merged.getContextObject(context.name)) merged.addContext(context);
    }
    if (!merged.currentContext && one.currentContext) merged.currentContext = one.currentContext;
  }
  return merged;
}

function checked(kubeConfig: KubeConfig, source: string): KubeConfig {
  if (!kubeConfig.currentContext) throw new ConfigError(`${source}: no current-context`);
  const context = kubeConfig.getContextObject(kubeConfig.currentContext);
  if (!context) {
    throw new ConfigError(`${source}: current-context "${kubeConfig.currentContext}" is not defined`);
  }
  if (!kubeConfig.getCurrentCluster()) {
    throw new ConfigError(
      `${source}: context "${context.name}" names an undefined cluster "${context.cluster}"`,
    );
  }
  return kubeConfig;
}

function loadInCluster(
  env: Readonly<Record<string, string | undefined>>,
  serviceAccountDir: string,
): { readonly kubeConfig?: KubeConfig; readonly reason: string } {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return { reason: 'KUBERNETES_SERVICE_HOST/PORT not set' };
  const tokenFile = join(serviceAccountDir, 'token');
  const caFile = join(serviceAccountDir, 'ca.crt');
  if (!existsSync(tokenFile)) return { reason: `${tokenFile} not found` };
  if (!existsSync(caFile)) return { reason: `${caFile} not found` };
  const namespaceFile = join(serviceAccountDir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [
      {
        name: 'in-cluster',
        server: `https://${isIPv6(host) ? `[${host}]` : host}:${port}`,
        caFile,
        skipTLSVerify: false,
      },
    ],
    // The token file, not its contents: bound service-account tokens rotate and client-node re-reads the file.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster', namespace }],
    currentContext: 'in-cluster',
  });
  return { kubeConfig, reason: 'ok' };
}
