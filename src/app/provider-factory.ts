import { createAwsProvider } from '../../providers/aws/index.js';
import type { CallAdmission } from '../../providers/cloud-call.js';
import { reportCloudOutcomes } from '../../providers/cloud-health.js';
import { createGcpProvider } from '../../providers/gcp/index.js';
import type { CloudProvider } from '../../providers/provider.js';
import type { RunConfig } from '../config/schema.js';
import type { Metrics } from '../observability/metrics.js';
import type { ProblemBoard } from '../observability/problem-board.js';
import { systemClock } from '../runtime/clock.js';
import { TokenBucket } from '../runtime/token-bucket.js';

/** One token bucket per cloud service, sized by --cloud-qps / --cloud-burst. */
function admissionPerService(qps: number, burst: number): (service: string) => CallAdmission {
  const buckets = new Map<string, CallAdmission>();
  return (service) => {
    let bucket = buckets.get(service);
    if (!bucket) {
      bucket = new TokenBucket({ qps, burst, clock: systemClock });
      buckets.set(service, bucket);
    }
    return bucket;
  };
}

/** The configured cloud, rate-limited per service; account-wide failures show up on `problems` (/readyz). */
export function createProvider(config: RunConfig, metrics: Metrics, problems: ProblemBoard): CloudProvider {
  const admissionFor = admissionPerService(config.cloudQps, config.cloudBurst);
  if (config.provider === 'aws') {
    return createAwsProvider({
      region: config.region ?? '',
      clusterName: config.clusterName,
      metrics,
      admissionFor,
      onOutcome: reportCloudOutcomes(problems, 'aws'),
      clusterCidrs: config.clusterCidr,
      routeTableIds: config.awsRouteTableIds,
      routeConcurrency: config.routeConcurrency,
    });
  }
  return createGcpProvider({
    project: config.project ?? '',
    region: config.region ?? '',
    clusterName: config.clusterName,
    ...(config.gcpEndpoint ? { endpoint: config.gcpEndpoint } : {}),
  });
}
