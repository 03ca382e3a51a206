import {
  type CoreV1Api,
  type CoreV1Event,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
  type V1ObjectReference,
} from '@kubernetes/client-node';
import { type Logger, silentLogger } from '../observability/logger.js';
import { type Clock, sleep, systemClock } from '../runtime/clock.js';
import { apiStatusCode } from './api-errors.js';
import { EventSpamFilter, type SpamFilterOptions } from './event-spam-filter.js';
import { LruMap } from './lru-map.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorderStats {
  /** Creates and patches that succeeded. */
  readonly writes: number;
  /** Dropped by the per-object rate limit. */
  readonly droppedRateLimited: number;
  /** Dropped because the write queue was full. */
  readonly droppedQueueFull: number;
  /** Dropped because the object had no kind, apiVersion or name. */
  readonly droppedInvalid: number;
  /** Given up on after the API server refused or kept failing. */
  readonly failed: number;
}

export interface EventRecorderOptions {
  /** Only these two calls are used; tests may pass a fake. */
  readonly core: Pick<CoreV1Api, 'createNamespacedEvent' | 'patchNamespacedEvent'>;
  /** This replica's identity (pod name or hostname). */
  readonly reportingInstance: string;
  /** `source.component`. Default `skyway`. */
  readonly component?: string;
  /** Default `skyway.dev/controller`. */
  readonly reportingComponent?: string;
  /** Default systemClock. */
  readonly clock?: Clock;
  /** Default silent. */
  readonly logger?: Logger;
  /** A repeat within this long of the last one updates the same Event. Default 600000 ms (client-go: 10 min). */
  readonly aggregationWindowMs?: number;
  /** Per-object rate limit. Default burst 25, one more per 5 minutes. */
  readonly spamFilter?: SpamFilterOptions;
  /** Events waiting to be written; more are dropped. Default 1000. */
  readonly maxQueue?: number;
  /** Distinct events remembered for aggregation. Default 4096 (client-go's LRU size). */
  readonly maxTracked?: number;
  /** Tries per write on 5xx, 429 and network errors. Default 3. */
  readonly maxWriteAttempts?: number;
  /** Delay before the first retry, doubling. Default 1000 ms. */
  readonly retryDelayMs?: number;
}

/** One Event object on the server and the occurrences folded into it. */
interface TrackedEvent {
  readonly namespace: string;
  readonly name: string;
  readonly involvedObject: V1ObjectReference;
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
  readonly firstTimestamp: number;
  lastTimestamp: number;
  count: number;
  /** The Event exists on the server, so the next write is a patch. */
  created: boolean;
  queued: boolean;
}

interface Counters {
  writes: number;
  droppedRateLimited: number;
  droppedQueueFull: number;
  droppedInvalid: number;
  failed: number;
}

/**
 * client-go's EventRecorder + EventCorrelator writing core/v1 Events: repeats of the same (object, type, reason,
 * message) are folded into one Event's count, each object has a rate limit, and writes happen in the background
 * from a bounded queue so that recording never blocks a reconcile.
 */
export class EventRecorder {
  private readonly core: EventRecorderOptions['core'];
  private readonly reportingInstance: string;
  private readonly component: string;
  private readonly reportingComponent: string;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly windowMs: number;
  private readonly maxQueue: number;
  private readonly maxWriteAttempts: number;
  private readonly retryDelayMs: number;
  private readonly spamFilter: EventSpamFilter;
  private readonly tracked: LruMap<string, TrackedEvent>;
  private readonly queue: TrackedEvent[] = [];
  private readonly counters: Counters = {
    writes: 0,
    droppedRateLimited: 0,
    droppedQueueFull: 0,
    droppedInvalid: 0,
    failed: 0,
  };
  private draining: Promise<void> | undefined;
  private lastNameMs = 0;
  private nameSequence = 0;
  private readonly mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  constructor(options: EventRecorderOptions) {
    this.core = options.core;
    this.reportingInstance = options.reportingInstance;
    this.component = options.component ?? 'skyway';
    this.reportingComponent = options.reportingComponent ?? 'skyway.dev/controller';
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger()).child({ component: 'event-recorder' });
    this.windowMs = options.aggregationWindowMs ?? 600_000;
    this.maxQueue = options.maxQueue ?? 1000;
    this.maxWriteAttempts = options.maxWriteAttempts ?? 3;
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    this.spamFilter = new EventSpamFilter(this.clock, options.spamFilter);
    this.tracked = new LruMap(options.maxTracked ?? 4096);
  }

  /**
   * Records an Event about `object` (which needs kind, apiVersion and name) in the background: never blocks, never
   * throws. The four parameters are client-go's `Event(object, eventtype, reason, message)`.
   */
  event(object: KubernetesObject, type: EventType, reason: string, message: string): void {
    const ref = objectReference(object);
    if (!ref) {
      this.counters.droppedInvalid += 1;
      this.logger.warn(
        { object: object.metadata?.name, reason },
        'event dropped: object has no kind/apiVersion/name',
      );
      return;
    }
    const objectKey = [this.component, ref.apiVersion, ref.kind, ref.namespace, ref.name, ref.uid].join(
      '\u0000',
    );
    if (!this.spamFilter.allow(objectKey)) {
      this.counters.droppedRateLimited += 1;
      this.logger.debug(
        { kind: ref.kind, name: ref.name, namespace: ref.namespace, reason },
        'event rate-limited',
      );
      return;
    }

    const now = this.clock.now();
    const key = [objectKey, type, reason, message].join('\u0000');
    let tracked = this.tracked.get(key);
    if (tracked && now - tracked.lastTimestamp <= this.windowMs) {
      tracked.count += 1;
      tracked.lastTimestamp = Math.max(tracked.lastTimestamp, now);
    } else {
      tracked = {
        // As upstream: cluster-scoped objects get their Events in `default`.
        namespace: ref.namespace || 'default',
        name: `${ref.name}.${this.nameTimestamp(now)}`,
        involvedObject: ref,
        type,
        reason,
        message,
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        created: false,
        queued: false,
      };
      this.tracked.set(key, tracked);
    }
    this.enqueue(tracked);
  }

  /** Resolves once every accepted event has been written or given up on: for tests and shutdown. */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  stats(): EventRecorderStats {
    return { ...this.counters };
  }

  /** An Event already waiting is written once with its latest count: repeats cost no extra request. */
  private enqueue(tracked: TrackedEvent): void {
    if (tracked.queued) return;
    if (this.queue.length >= this.maxQueue) {
      this.counters.droppedQueueFull += 1;
      this.logger.debug(
        { reason: tracked.reason, name: tracked.involvedObject.name },
        'event dropped: queue full',
      );
      return;
    }
    tracked.queued = true;
    this.queue.push(tracked);
    this.draining ??= this.drain().finally(() => {
      this.draining = undefined;
    });
  }

  private async drain(): Promise<void> {
    for (let tracked = this.queue.shift(); tracked; tracked = this.queue.shift()) {
      // Cleared before the write, so an occurrence arriving meanwhile queues one more (patch) write.
      tracked.queued = false;
      await this.write(tracked);
    }
  }

  private async write(tracked: TrackedEvent): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.writeOnce(tracked);
        this.counters.writes += 1;
        return;
      } catch (error) {
        const status = apiStatusCode(error);
        const retryable = status === undefined || status === 429 || status >= 500;
        if (!retryable || attempt >= this.maxWriteAttempts) {
          this.counters.failed += 1;
          this.logger.warn(
            { err: error, status, event: tracked.name, reason: tracked.reason },
            'event not written',
          );
          return;
        }
        await sleep(this.clock, this.retryDelayMs * 2 ** (attempt - 1));
      }
    }
  }

  private async writeOnce(tracked: TrackedEvent): Promise<void> {
    if (tracked.created) {
      try {
        await this.core.patchNamespacedEvent(
          {
            namespace: tracked.namespace,
            name: tracked.name,
            body: { count: tracked.count, lastTimestamp: new Date(tracked.lastTimestamp).toISOString() },
          },
          this.mergePatch,
        );
        return;
      } catch (error) {
        // The Event expired (events have a TTL) or was deleted: create it again, as client-go does.
        if (apiStatusCode(error) !== 404) throw error;
        tracked.created = false;
      }
    }
    await this.core.createNamespacedEvent({ namespace: tracked.namespace, body: this.toEvent(tracked) });
    tracked.created = true;
  }

  private toEvent(tracked: TrackedEvent): CoreV1Event {
    return {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: tracked.name, namespace: tracked.namespace },
      involvedObject: tracked.involvedObject,
      type: tracked.type,
      reason: tracked.reason,
      message: tracked.message,
      source: { component: this.component },
      firstTimestamp: new Date(tracked.firstTimestamp),
      lastTimestamp: new Date(tracked.lastTimestamp),
      count: tracked.count,
      reportingComponent: this.reportingComponent,
      reportingInstance: this.reportingInstance,
    };
  }

  /** client-go names Events `<object>.<unix nanos in hex>`; a sequence keeps names unique within a millisecond. */
  private nameTimestamp(nowMs: number): string {
    this.nameSequence = nowMs === this.lastNameMs ? this.nameSequence + 1 : 0;
    this.lastNameMs = nowMs;
    return (BigInt(nowMs) * 1_000_000n + BigInt(this.nameSequence % 1_000_000)).toString(16);
  }
}

function objectReference(object: KubernetesObject): V1ObjectReference | undefined {
  const { kind, apiVersion } = object;
  const name = object.metadata?.name;
  if (!kind || !apiVersion || !name) return undefined;
  return {
    apiVersion,
    kind,
    name,
    namespace: object.metadata?.namespace,
    uid: object.metadata?.uid,
    resourceVersion: object.metadata?.resourceVersion,
  };
}
