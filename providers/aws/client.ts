import { EC2Client, type EC2ClientConfig } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CredentialsError } from '../../src/errors.js';
import type { CloudCalls } from '../cloud-call.js';

export interface AwsClients {
  readonly ec2: EC2Client;
  readonly elbv2: ElasticLoadBalancingV2Client;
  destroy(): void;
}

export interface AwsClientsOptions {
  readonly region: string;
  readonly calls: CloudCalls;
  /** SDK attempts per call, the first included (1 = no SDK retry; the work queue's backoff retries the reconcile). Default 3. */
  readonly maxAttempts?: number;
  /**
   * Replaces the SDK's retry strategy. Default: adaptive mode (exponential backoff with jitter, plus a client-side
   * rate that slows down when EC2 throttles), which sleeps in real time; tests pass a fast one such as
   * `new ConfiguredRetryStrategy(3, () => 1)`. Throttling codes (`RequestLimitExceeded`, `Throttling`) and 5xx are
   * retried either way, and every attempt is counted.
   */
  readonly retryStrategy?: AwsRetryStrategy;
}

/** The retry strategy both SDK clients accept (a `@smithy/core/retry` strategy). */
export type AwsRetryStrategy = NonNullable<EC2ClientConfig['retryStrategy']>;

interface MiddlewareContext {
  readonly commandName?: string;
}

/** Minimal view of the SDK middleware stack, so one function can instrument both clients. */
interface InstrumentableClient {
  readonly middlewareStack: {
    addRelativeTo(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: MiddlewareContext,
      ) => (args: unknown) => Promise<unknown>,
      options: { relation: 'after'; toMiddleware: string; name: string },
    ): void;
    add(
      middleware: (
        next: (args: unknown) => Promise<unknown>,
        context: MiddlewareContext,
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

function operationName(context: MiddlewareContext): string {
  return (context.commandName ?? 'Unknown').replace(/Command$/, '');
}

/**
 * Every SDK request passes through cloud-call twice: each HTTP attempt (after the SDK's retry middleware) is
 * admitted, counted and timed; the final failure of the whole call is classified into a CloudError once.
 */
function instrument(client: InstrumentableClient, service: string, calls: CloudCalls): void {
  client.middlewareStack.addRelativeTo(
    (next, context) => (args) => calls.attempt(service, operationName(context), () => next(args)),
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'skywayCloudAttempt' },
  );
  client.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        throw calls.classify(error, service, operationName(context));
      }
    },
    { step: 'initialize', name: 'skywayCloudError' },
  );
}

/**
 * SDK clients for EC2 and ELBv2. Endpoints come from the SDK's own standard variables (`AWS_ENDPOINT_URL`,
 * `AWS_ENDPOINT_URL_EC2`, `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`), so LocalStack and moto need no flag.
 */
export function createAwsClients(options: AwsClientsOptions): AwsClients {
  const config = {
    region: options.region,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.retryStrategy ? { retryStrategy: options.retryStrategy } : { retryMode: 'adaptive' }),
  };
  const ec2 = new EC2Client(config);
  const elbv2 = new ElasticLoadBalancingV2Client(config);
  instrument(ec2 as unknown as InstrumentableClient, 'ec2', options.calls);
  instrument(elbv2 as unknown as InstrumentableClient, 'elbv2', options.calls);
  return {
    ec2,
    elbv2,
    destroy() {
      ec2.destroy();
      elbv2.destroy();
    },
  };
}

/** Resolves the SDK's credential chain once, so a missing identity is one clear line at start-up. */
export async function checkAwsCredentials(clients: AwsClients): Promise<void> {
  try {
    const credentials = await clients.ec2.config.credentials();
    if (!credentials.accessKeyId) throw new Error('empty access key id');
  } catch (error) {
    const detail = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new CredentialsError(
      `no AWS credentials found (${detail}); set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, ` +
        'or run with an IAM role (IRSA, EKS Pod Identity, instance profile)',
    );
  }
}
