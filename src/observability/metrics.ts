import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/**
 * Every metric Skyway exports, on one registry per process (tests make their own so they never share counts).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly reconcileTotal: Counter<'controller' | 'result'>;
  readonly reconcileDuration: Histogram<'controller'>;
  readonly workqueueDepth: Gauge<'controller'>;
  readonly workqueueRetries: Counter<'controller'>;
  readonly cloudApiCalls: Counter<'provider' | 'service' | 'operation' | 'result'>;
  readonly cloudApiDuration: Histogram<'provider' | 'service' | 'operation'>;
  readonly leader: Gauge<string>;
  readonly routeTables: Gauge<string>;
  readonly routeFailures: Counter<'reason'>;
}

export function createMetrics(options: { readonly processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    reconcileTotal: new Counter({
      name: 'skyway_reconcile_total',
      help: 'Reconciles by controller and result (success, requeue, error, terminal).',
      labelNames: ['controller', 'result'],
      registers,
    }),
    reconcileDuration: new Histogram({
      name: 'skyway_reconcile_duration_seconds',
      help: 'Time spent in one reconcile.',
      labelNames: ['controller'],
      buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    workqueueDepth: new Gauge({
      name: 'skyway_workqueue_depth',
      help: 'Keys waiting in the work queue (ready or delayed).',
      labelNames: ['controller'],
      registers,
    }),
    workqueueRetries: new Counter({
      name: 'skyway_workqueue_retries_total',
      help: 'Keys requeued with backoff after a failed reconcile.',
      labelNames: ['controller'],
      registers,
    }),
    cloudApiCalls: new Counter({
      name: 'skyway_cloud_api_calls_total',
      help: 'Cloud API calls by provider, service, operation and result (ok or the CloudError kind).',
      labelNames: ['provider', 'service', 'operation', 'result'],
      registers,
    }),
    cloudApiDuration: new Histogram({
      name: 'skyway_cloud_api_duration_seconds',
      help: 'Cloud API call latency.',
      labelNames: ['provider', 'service', 'operation'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    leader: new Gauge({
      name: 'skyway_leader',
      help: '1 while this replica holds the leader lease, else 0.',
      registers,
    }),
    routeTables: new Gauge({
      name: 'skyway_route_tables',
      help: 'Route tables (AWS) or networks (GCP) the routes controller manages; 0 means none was found.',
      registers,
    }),
    routeFailures: new Counter({
      name: 'skyway_route_failures_total',
      help: 'Node routes that could not be made, by reason (the cloud error code, or conflict).',
      labelNames: ['reason'],
      registers,
    }),
  };
}
