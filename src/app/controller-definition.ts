import type { CoreV1Api, KubernetesObject, V1Node, V1Service } from '@kubernetes/client-node';
import type { CloudProvider } from '../../providers/provider.js';
import type { RunConfig } from '../config/schema.js';
import type { InformerCache } from '../kube/cache-types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ProblemBoard } from '../observability/problem-board.js';
import type { Plan } from '../plan.js';
import type { Clock } from '../runtime/clock.js';
import type { Reconciler } from '../runtime/reconciler.js';

/** The caches a controller may ask for. Only the ones some enabled controller uses are started (least privilege). */
export interface CacheSet {
  readonly nodes: InformerCache<V1Node>;
  readonly services: InformerCache<V1Service>;
}

export type CacheName = keyof CacheSet;

/** Where controllers send Events; `skyway plan` passes one that drops them, so a plan writes nothing. */
export interface EventSink {
  event(object: KubernetesObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

/** The provider capabilities a controller may need. */
export type Capability = 'routes' | 'instances' | 'l4' | 'l7';

export interface ControllerContext {
  readonly config: RunConfig;
  readonly caches: Partial<CacheSet>;
  readonly provider: CloudProvider;
  readonly core: CoreV1Api;
  readonly events: EventSink;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  /** Account-wide trouble to show in /readyz without failing it (no route table found, …). */
  readonly problems: ProblemBoard;
}

/** Maps one cache's events to work-queue keys. */
export interface WatchSpec {
  readonly cache: CacheName;
  readonly toKeys: (object: KubernetesObject) => readonly string[];
  /** Coalesce bursts of events into one reconcile after this window (routes use one key for all nodes). */
  readonly coalesceMs?: number;
  /** Whether an update needs a reconcile; default every update. Nodes are updated by kubelet heartbeats. */
  readonly updateMatters?: (object: KubernetesObject, previous: KubernetesObject) => boolean;
}

export interface ControllerParts {
  readonly reconciler: Reconciler;
  readonly watches: readonly WatchSpec[];
  /** One observe + plan pass over everything this controller manages, for `skyway plan`; writes nothing. */
  planAll(signal: AbortSignal): Promise<readonly Plan[]>;
}

export interface ControllerDefinition {
  readonly name: string;
  readonly informs: readonly CacheName[];
  readonly requires: readonly Capability[];
  create(context: ControllerContext): ControllerParts;
}
