import { GoogleAuth, PassThroughClient } from 'google-auth-library';
import { CredentialsError } from '../../src/errors.js';

const COMPUTE_SCOPE = 'https://www.googleapis.com/auth/compute';

/**
 * The auth client for Compute: Application Default Credentials (Workload Identity, a key file, gcloud's ADC) for
 * the real API, none for a local endpoint. Resolving it up front matters: compute's client otherwise rejects
 * unhandled inside its own initialisation and crashes the process (ENGINES.md §2).
 */
export async function resolveGcpAuth(options: {
  readonly endpoint?: string;
}): Promise<GoogleAuth | PassThroughClient> {
  if (options.endpoint) return new PassThroughClient();
  const auth = new GoogleAuth({ scopes: [COMPUTE_SCOPE] });
  try {
    const client = await auth.getClient();
    const token = await client.getAccessToken();
    if (!token.token) throw new Error('empty access token');
    return auth;
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CredentialsError(
      `no Google Cloud credentials found (${detail}); use GKE Workload Identity, set ` +
        'GOOGLE_APPLICATION_CREDENTIALS to a key file, or run `gcloud auth application-default login`',
    );
  }
}
