import { chmod, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

/** The kubeconfig a client needs to reach the local server: its URL, the CA to trust, and the token. */
export const CLUSTER_NAME = 'skyway-local';

export function buildKubeconfig(options: { url: string; caPem: string; token: string }): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: CLUSTER_NAME,
        cluster: {
          server: options.url,
          'certificate-authority-data': Buffer.from(options.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: `${CLUSTER_NAME}-admin`, user: { token: options.token } }],
    contexts: [{ name: CLUSTER_NAME, context: { cluster: CLUSTER_NAME, user: `${CLUSTER_NAME}-admin` } }],
    'current-context': CLUSTER_NAME,
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, text: string): Promise<void> {
  // The file holds a bearer token: readable by its owner only, as kubectl itself writes kubeconfigs.
  await writeFile(path, text, { mode: 0o600 });
  await chmod(path, 0o600); // writeFile's mode only applies when it creates the file
}
