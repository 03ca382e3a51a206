import type { KubernetesObject } from '@kubernetes/client-node';
import { isTerminal } from '../errors.js';
import type { InformerCache } from '../kube/cache-types.js';
import { type Logger, silentLogger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { type Clock, systemClock } from './clock.js';
import type { ReconcileOutcome, Reconciler } from './reconciler.js';
import { WorkQueue } from './work-queue.js';

export interface ControllerOptions {
  readonly reconciler: Reconciler;
  /** Default: a WorkQueue named after the reconciler, with the default rate limiter, this clock and metrics. */
  readonly queue?: WorkQueue;
  /** Workers: reconciles running at once (always of different keys). Default 1. */
  readonly concurrency?: number;
  /** Every period all keys are re-added, to repair drift nobody told us about. Default 10 min; 0 turns it off. */
  readonly resyncPeriodMs?: number;
  /**
   * Keys to queue on start and at every resync, instead of the keys of the watched caches' objects. Default: the
   * reconciler's own resyncKeys() if it has one.
   */
  readonly resyncKeys?: () => readonly string[] | Promise<readonly string[]>;
  /** How long stop() lets in-flight reconciles run before it aborts their signals. Default 30 s. */
  readonly drainTimeoutMs?: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: a private registry (nothing exported). */
  readonly metrics?: Metrics;
  /** Default: silent. The controller logs through a child with `controller` (and `key` per reconcile). */
  readonly logger?: Logger;
}

export interface WatchOptions<T extends KubernetesObject> {
  /** Queue the keys of this watch's events once per window (addCoalesced) instead of at once. */
  readonly coalesceMs?: number;
  /**
   * Whether an update is worth a reconcile (e.g. a Node whose podCIDRs or addresses changed, not a heartbeat).
   * Default: every update is.
   */
  readonly updateMatters?: (object: T, previous: T) => boolean;
}

interface Watch {
  /** Registers the event handlers; returns the function that removes them. */
  register(): () => void;
  /** The keys of every object now in the cache. */
  keys(): string[];
}

/**
 * Runs a Reconciler: cache events → keys → work queue → `concurrency` parallel reconciles, with retries, requeues,
 * periodic resync, metrics and logs. One run per instance: start() once, stop() once.
 */
export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  readonly #reconciler: Reconciler;
  readonly #concurrency: number;
  readonly #resyncKeys: (() => readonly string[] | Promise<readonly string[]>) | undefined;
  readonly #resyncPeriodMs: number;
  readonly #drainTimeoutMs: number;
  readonly #clock: Clock;
  readonly #metrics: Metrics;
  readonly #log: Logger;
  readonly #watches: Watch[] = [];
  readonly #unregister: (() => void)[] = [];
  /** Abort controllers of the reconciles running now. */
  readonly #inFlight = new Set<AbortController>();
  #cancelResync: (() => void) | undefined;
  #started = false;
  #stopping: Promise<void> | undefined;

  constructor(options: ControllerOptions) {
    this.#reconciler = options.reconciler;
    this.name = options.reconciler.name;
    this.#clock = options.clock ?? systemClock;
    this.#metrics = options.metrics ?? createMetrics();
    this.#concurrency = Math.max(1, options.concurrency ?? 1);
    this.#resyncKeys = options.resyncKeys ?? options.reconciler.resyncKeys?.bind(options.reconciler);
    this.#resyncPeriodMs = options.resyncPeriodMs ?? 600_000;
    this.#drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    this.#log = (options.logger ?? silentLogger()).child({ controller: this.name });
    this.queue =
      options.queue ?? new WorkQueue({ name: this.name, clock: this.#clock, metrics: this.#metrics });
  }

  /**
   * Reconciles the keys `toKeys` maps this cache's objects to, on add, update (keys of the old and the new
   * object, so a key the object no longer maps to is cleaned up) and delete. Call before start().
   */
  watch<T extends KubernetesObject>(
    cache: InformerCache<T>,
    toKeys: (object: T) => readonly string[],
    options: WatchOptions<T> = {},
  ): this {
    if (this.#started) throw new Error(`controller ${this.name}: watch() after start()`);
    const { coalesceMs, updateMatters } = options;
    const enqueue = (keys: readonly string[]) => {
      for (const key of keys) {
        if (coalesceMs !== undefined && coalesceMs > 0) this.queue.addCoalesced(key, coalesceMs);
        else this.queue.add(key);
      }
    };
    this.#watches.push({
      register: () =>
        cache.addHandler({
          onAdd: (object) => enqueue(toKeys(object)),
          onUpdate: (object, previous) => {
            if (updateMatters && !updateMatters(object, previous)) return;
            enqueue([...new Set([...toKeys(previous), ...toKeys(object)])]);
          },
          onDelete: (object) => enqueue(toKeys(object)),
        }),
      keys: () => cache.list().flatMap((object) => toKeys(object)),
    });
    return this;
  }

  /**
   * Starts the workers and queues every current key (handlers added after a cache synced get no replay). The
   * caches must be started by the caller. Aborting `signal` is the same as stop().
   */
  start(signal?: AbortSignal): void {
    if (this.#started) throw new Error(`controller ${this.name}: start() called twice`);
    this.#started = true;
    for (const watch of this.#watches) this.#unregister.push(watch.register());
    void this.#enqueueAll('start');
    this.#scheduleResync();
    for (let i = 0; i < this.#concurrency; i++) void this.#work();
    this.#log.info({ concurrency: this.#concurrency }, 'controller started');
    if (signal?.aborted) void this.stop();
    else signal?.addEventListener('abort', () => void this.stop(), { once: true });
  }

  /**
   * Stops taking keys, waits for in-flight reconciles up to the drain timeout, then aborts their signals and
   * resolves without waiting further (a reconcile that ignores its signal cannot hold the process).
   */
  stop(options: { readonly drainTimeoutMs?: number } = {}): Promise<void> {
    this.#stopping ??= this.#stop(options.drainTimeoutMs ?? this.#drainTimeoutMs);
    return this.#stopping;
  }

  async #stop(drainTimeoutMs: number): Promise<void> {
    this.#cancelResync?.();
    for (const unregister of this.#unregister.splice(0)) unregister();
    let cancelTimer = () => {};
    const timedOut = await Promise.race([
      this.queue.shutDownWithDrain().then(() => false),
      new Promise<boolean>((resolve) => {
        cancelTimer = this.#clock.setTimer(() => resolve(true), drainTimeoutMs);
      }),
    ]);
    cancelTimer();
    if (timedOut) {
      this.#log.warn(
        { inFlight: this.#inFlight.size, drainTimeoutMs },
        'drain timed out; aborting reconciles',
      );
      for (const controller of this.#inFlight) controller.abort(new Error(`controller ${this.name} stopped`));
    }
    this.#log.info('controller stopped');
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.#process(key);
    }
  }

  async #process(key: string): Promise<void> {
    const log = this.#log.child({ key });
    const abort = new AbortController();
    this.#inFlight.add(abort);
    const startedAt = this.#clock.now();
    let outcome: ReconcileOutcome;
    try {
      const result = await this.#reconciler.reconcile(key, abort.signal);
      this.queue.forget(key);
      const requeueAfterMs = result.requeueAfterMs;
      if (requeueAfterMs !== undefined) {
        this.queue.addAfter(key, requeueAfterMs);
        outcome = 'requeue';
      } else {
        outcome = 'success';
      }
      log.debug({ requeueAfterMs }, 'reconciled');
    } catch (error) {
      if (isTerminal(error)) {
        this.queue.forget(key);
        outcome = 'terminal';
        log.warn(
          { err: error, field: error.field },
          'reconcile failed; not retrying until the input changes',
        );
      } else {
        this.queue.addRateLimited(key);
        outcome = 'error';
        log.error({ err: error, requeues: this.queue.numRequeues(key) }, 'reconcile failed; will retry');
      }
    } finally {
      this.#inFlight.delete(abort);
      this.queue.done(key);
    }
    this.#metrics.reconcileTotal.inc({ controller: this.name, result: outcome });
    this.#metrics.reconcileDuration.observe(
      { controller: this.name },
      (this.#clock.now() - startedAt) / 1000,
    );
  }

  async #enqueueAll(reason: 'start' | 'resync'): Promise<void> {
    try {
      const keys = this.#resyncKeys
        ? await this.#resyncKeys()
        : this.#watches.flatMap((watch) => watch.keys());
      for (const key of keys) this.queue.add(key);
      this.#log.debug({ reason, keys: keys.length }, 'queued all keys');
    } catch (error) {
      this.#log.error({ err: error, reason }, 'could not list keys to queue');
    }
  }

  #scheduleResync(): void {
    if (this.#resyncPeriodMs <= 0 || this.#stopping) return;
    this.#cancelResync = this.#clock.setTimer(() => {
      void this.#enqueueAll('resync');
      this.#scheduleResync();
    }, this.#resyncPeriodMs);
  }
}
