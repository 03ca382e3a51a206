import type { Metrics } from '../../src/observability/metrics.js';
import type { CallAdmission, CallOutcome } from '../cloud-call.js';
import { createCloudCalls } from '../cloud-call.js';
import type { CloudProvider } from '../provider.js';
import { checkAwsCredentials, createAwsClients } from './client.js';
import { classifyAwsError } from './errors.js';

export interface AwsProviderOptions {
  readonly region: string;
  readonly clusterName: string;
  readonly metrics: Metrics;
  readonly admissionFor?: (service: string) => CallAdmission | undefined;
  readonly onOutcome?: (outcome: CallOutcome) => void;
}

/**
 * The AWS provider. Its route, instance and load-balancer capabilities arrive with their issues; until then it
 * offers the instrumented clients and the credentials check, and declares no capability it does not have.
 */
export function createAwsProvider(options: AwsProviderOptions): CloudProvider {
  const calls = createCloudCalls({
    provider: 'aws',
    metrics: options.metrics,
    classify: classifyAwsError,
    ...(options.admissionFor ? { admissionFor: options.admissionFor } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
  const clients = createAwsClients({ region: options.region, calls });
  return {
    name: 'aws',
    checkCredentials: () => checkAwsCredentials(clients),
    close: () => clients.destroy(),
  };
}
