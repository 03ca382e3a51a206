import { CloudError } from '../src/errors.js';
import type { Metrics } from '../src/observability/metrics.js';

/** Client-side admission before each cloud request, so Skyway never drains the account's shared API buckets. */
export interface CallAdmission {
  acquire(signal?: AbortSignal): Promise<void>;
}

export interface CloudCallsOptions {
  readonly provider: 'aws' | 'gcp';
  readonly metrics: Metrics;
  /** Turns whatever the SDK threw into a CloudError, from structured fields only (never message text). */
  readonly classify: (error: unknown, service: string, operation: string) => CloudError;
  /** One admission gate per cloud service (ec2, elbv2, compute); undefined = unlimited. */
  readonly admissionFor?: (service: string) => CallAdmission | undefined;
  /** Monotonic milliseconds; defaults to performance.now. */
  readonly now?: () => number;
  /** Told every attempt's outcome, e.g. to show a denied or throttled API in /readyz. */
  readonly onOutcome?: (outcome: CallOutcome) => void;
}

export interface CallOutcome {
  readonly service: string;
  readonly operation: string;
  /** `ok`, or the failure's CloudError kind. */
  readonly result: string;
  readonly error?: CloudError;
}

type Send<T> = () => Promise<T>;

/**
 * The one wrapper every cloud request passes through: admitted by the per-service rate limit, counted in
 * skyway_cloud_api_calls_total{result=ok|<CloudError kind>} and timed in skyway_cloud_api_duration_seconds.
 */
export interface CloudCalls {
  /**
   * One HTTP attempt. Rethrows the SDK's own error so an SDK retry layer above it still sees the shape it
   * expects (the AWS SDK retries from `$retryable`/`$metadata`).
   */
  attempt<T>(service: string, operation: string, send: Send<T>, signal?: AbortSignal): Promise<T>;
  /** An attempt whose failure is rethrown as a CloudError: for callers that own the retry decision. */
  call<T>(service: string, operation: string, send: Send<T>, signal?: AbortSignal): Promise<T>;
  classify(error: unknown, service: string, operation: string): CloudError;
}

export function createCloudCalls(options: CloudCallsOptions): CloudCalls {
  const now = options.now ?? (() => performance.now());
  const classify = (error: unknown, service: string, operation: string): CloudError =>
    error instanceof CloudError ? error : options.classify(error, service, operation);

  async function attempt<T>(
    service: string,
    operation: string,
    send: Send<T>,
    signal?: AbortSignal,
  ): Promise<T> {
    await options.admissionFor?.(service)?.acquire(signal);
    const started = now();
    let failure: CloudError | undefined;
    try {
      return await send();
    } catch (error) {
      failure = classify(error, service, operation);
      throw error;
    } finally {
      const labels = { provider: options.provider, service, operation };
      const result = failure?.kind ?? 'ok';
      options.metrics.cloudApiCalls.inc({ ...labels, result });
      options.metrics.cloudApiDuration.observe(labels, (now() - started) / 1000);
      options.onOutcome?.({ service, operation, result, ...(failure ? { error: failure } : {}) });
    }
  }

  return {
    attempt,
    classify,
    async call(service, operation, send, signal) {
      try {
        return await attempt(service, operation, send, signal);
      } catch (error) {
        throw classify(error, service, operation);
      }
    },
  };
}
