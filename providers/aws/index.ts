import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { Metrics } from '../../src/observability/metrics.js';
import { type Clock, systemClock } from '../../src/runtime/clock.js';
import type { CallAdmission, CallOutcome } from '../cloud-call.js';
import { createCloudCalls } from '../cloud-call.js';
import type { CloudProvider } from '../provider.js';
import { type AwsRetryStrategy, checkAwsCredentials, createAwsClients } from './client.js';
import { classifyAwsError } from './errors.js';
import { InstanceDirectory } from './instance-directory.js';
import { createAwsInstanceProvider } from './instances.js';
import { createAwsNlbProvider } from './nlb.js';
import { createAwsRouteProvider } from './routes.js';

export interface AwsProviderOptions {
  readonly region: string;
  readonly clusterName: string;
  readonly metrics: Metrics;
  readonly admissionFor?: (service: string) => CallAdmission | undefined;
  readonly onOutcome?: (outcome: CallOutcome) => void;
  /** Pod ranges (`--cluster-cidr`): the only destinations whose routes Skyway reads as its own, creates or deletes. */
  readonly clusterCidrs: readonly string[];
  /** `--aws-route-table-ids`: exactly these tables. Empty or absent: the tables tagged for the cluster. */
  readonly routeTableIds?: readonly string[];
  /** Route writes in flight at once (`--route-concurrency`). Default 20. */
  readonly routeConcurrency?: number;
  /** How long an instance describe is trusted. Default 30 000 ms. */
  readonly instanceCacheTtlMs?: number;
  /** SDK attempts per call, the first included. Default 3. A `retryStrategy` brings its own limit. */
  readonly maxAttempts?: number;
  /**
   * Replaces the SDK's adaptive retry mode (which backs off in real time), e.g. `new ConfiguredRetryStrategy(3, 1)`
   * in tests. Throttling and 5xx are retried either way, and every attempt is counted.
   */
  readonly retryStrategy?: AwsRetryStrategy;
  /** Shorthand for tests: retry `maxAttempts` times with 1 ms between attempts. Ignored when retryStrategy is set. */
  readonly fastRetries?: boolean;
  /** Time for the instance cache's TTL. Default the system clock. */
  readonly clock?: Pick<Clock, 'now'>;
  /** How long the listing of node security groups (for load-balancer rules) is trusted. Default 30 000 ms. */
  readonly nodeGroupTtlMs?: number;
}

/**
 * The AWS provider: instances (node → instance, source/destination checks), pod-CIDR routes, and Services of type
 * LoadBalancer as NLBs (`l4`). It declares no capability it does not have.
 */
export function createAwsProvider(options: AwsProviderOptions): CloudProvider {
  const calls = createCloudCalls({
    provider: 'aws',
    metrics: options.metrics,
    classify: classifyAwsError,
    ...(options.admissionFor ? { admissionFor: options.admissionFor } : {}),
    ...(options.onOutcome ? { onOutcome: options.onOutcome } : {}),
  });
  const maxAttempts = options.maxAttempts ?? 3;
  const retryStrategy =
    options.retryStrategy ?? (options.fastRetries ? new ConfiguredRetryStrategy(maxAttempts, 1) : undefined);
  const clients = createAwsClients({
    region: options.region,
    calls,
    maxAttempts,
    ...(retryStrategy ? { retryStrategy } : {}),
  });
  const clock = options.clock ?? systemClock;
  const directory = new InstanceDirectory({
    ec2: clients.ec2,
    now: () => clock.now(),
    ...(options.instanceCacheTtlMs !== undefined ? { ttlMs: options.instanceCacheTtlMs } : {}),
  });
  return {
    name: 'aws',
    instances: createAwsInstanceProvider({ ec2: clients.ec2, directory, clusterName: options.clusterName }),
    routes: createAwsRouteProvider({
      ec2: clients.ec2,
      directory,
      clusterName: options.clusterName,
      clusterCidrs: options.clusterCidrs,
      ...(options.routeTableIds ? { routeTableIds: options.routeTableIds } : {}),
      ...(options.routeConcurrency !== undefined ? { concurrency: options.routeConcurrency } : {}),
    }),
    l4: createAwsNlbProvider({
      ec2: clients.ec2,
      elbv2: clients.elbv2,
      clusterName: options.clusterName,
      now: () => clock.now(),
      ...(options.nodeGroupTtlMs !== undefined ? { nodeGroupTtlMs: options.nodeGroupTtlMs } : {}),
    }),
    checkCredentials: () => checkAwsCredentials(clients),
    close: () => clients.destroy(),
  };
}
