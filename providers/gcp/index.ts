import type { CloudProvider } from '../provider.js';
import { resolveGcpAuth } from './credentials.js';

export interface GcpProviderOptions {
  readonly project: string;
  readonly region: string;
  readonly clusterName: string;
  readonly endpoint?: string;
}

/**
 * The GCP provider. Its capabilities (routes, instances, L4) arrive with their issues; until then it resolves the
 * credentials it will use and declares no capability it does not have.
 */
export function createGcpProvider(options: GcpProviderOptions): CloudProvider {
  return {
    name: 'gcp',
    async checkCredentials() {
      await resolveGcpAuth(options.endpoint ? { endpoint: options.endpoint } : {});
    },
    close: () => undefined,
  };
}
