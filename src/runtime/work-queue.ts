import type { Metrics } from '../observability/metrics.js';
import { type Clock, systemClock } from './clock.js';
import { createDefaultRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkQueueOptions {
  /** The `controller` label of the queue's metrics. Default `default`. */
  readonly name?: string;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Used by addRateLimited. Default: createDefaultRateLimiter (5 ms → 5 min per key, 10 qps burst 100 overall). */
  readonly rateLimiter?: RateLimiter;
  /** When given, the queue keeps `skyway_workqueue_depth` and `skyway_workqueue_retries_total` up to date. */
  readonly metrics?: Pick<Metrics, 'workqueueDepth' | 'workqueueRetries'>;
}

interface Delayed {
  readonly readyAt: number;
  readonly cancel: () => void;
}

/**
 * client-go's rate-limited work queue, on an injected clock.
 *
 * - A key is queued at most once: adding a key that is already waiting does nothing.
 * - A key handed out by get() is not handed out again until done(key); if it is added meanwhile it is marked
 *   dirty and queued again by done(), so two workers never reconcile the same key at once.
 * - addAfter/addRateLimited/addCoalesced hold a key back; for one key the earliest requested time wins.
 *
 * Unlike client-go, get() stops handing out keys as soon as the queue shuts down (client-go drains what is left):
 * a stopping controller finishes what it is doing and leaves the rest to the next leader.
 */
export class WorkQueue {
  readonly #name: string;
  readonly #clock: Clock;
  readonly #rateLimiter: RateLimiter;
  readonly #metrics: WorkQueueOptions['metrics'];

  /** Keys ready to be handed out, oldest first. */
  #ready: string[] = [];
  /** Keys that need processing: in #ready, or being processed and added again meanwhile. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, Delayed>();
  /** Keys counted by len(): dirty or delayed. Kept incrementally so the depth gauge costs O(1). */
  readonly #pending = new Set<string>();
  #getters: ((key: string | undefined) => void)[] = [];
  #drainWaiters: (() => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#name = options.name ?? 'default';
    this.#clock = options.clock ?? systemClock;
    this.#rateLimiter = options.rateLimiter ?? createDefaultRateLimiter({ clock: this.#clock });
    this.#metrics = options.metrics;
    this.#metrics?.workqueueDepth.set({ controller: this.#name }, 0);
  }

  /** Queues the key now, unless it is already waiting. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (!this.#processing.has(key)) {
      this.#ready.push(key);
      this.#dispatch();
    }
    this.#touch(key);
  }

  /** Queues the key after `delayMs`; if it is already held back, the earlier of the two times wins. */
  addAfter(key: string, delayMs: number): void {
    if (this.#shuttingDown) return;
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const readyAt = this.#clock.now() + delayMs;
    const existing = this.#delayed.get(key);
    if (existing && existing.readyAt <= readyAt) return;
    existing?.cancel();
    const cancel = this.#clock.setTimer(() => {
      this.#delayed.delete(key);
      this.#touch(key);
      this.add(key);
    }, delayMs);
    this.#delayed.set(key, { readyAt, cancel });
    this.#touch(key);
  }

  /** Queues the key after its rate-limited delay (per-key backoff, overall bucket) and counts a retry. */
  addRateLimited(key: string): void {
    if (this.#shuttingDown) return;
    this.#metrics?.workqueueRetries.inc({ controller: this.#name });
    this.addAfter(key, this.#rateLimiter.when(key));
  }

  /**
   * Queues the key once `windowMs` after the first of a burst of calls; calls while it is waiting do nothing.
   * For keys that stand for many objects (routes: one key for all nodes), so a burst of events is one reconcile.
   * A key held back for longer (backoff, requeueAfter) is brought forward to the window, as add() would.
   */
  addCoalesced(key: string, windowMs: number): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.addAfter(key, windowMs);
  }

  /** Forgets the key's failures, so its next addRateLimited starts again from the base delay. */
  forget(key: string): void {
    this.#rateLimiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#rateLimiter.numRequeues(key);
  }

  /**
   * The next key to process, waiting for one if need be; `undefined` once the queue is shut down. The caller
   * owns the key until it calls done(key).
   */
  get(): Promise<string | undefined> {
    if (this.#shuttingDown) return Promise.resolve(undefined);
    const key = this.#take();
    if (key !== undefined) return Promise.resolve(key);
    return new Promise((resolve) => this.#getters.push(resolve));
  }

  /** Ends processing of a key handed out by get(); re-queues it if it was added meanwhile. */
  done(key: string): void {
    if (!this.#processing.delete(key)) return;
    if (this.#dirty.has(key)) {
      this.#ready.push(key);
      this.#dispatch();
    }
    if (this.#shuttingDown && this.#processing.size === 0) {
      for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  /** Keys waiting to be processed, ready or held back; feeds `skyway_workqueue_depth`. */
  len(): number {
    return this.#pending.size;
  }

  /** Keys handed out and not yet done. */
  processing(): number {
    return this.#processing.size;
  }

  isShuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Stops the queue: adds are ignored, waiting keys dropped, and get() resolves `undefined` from now on. */
  shutDown(): void {
    if (this.#shuttingDown) return;
    this.#shuttingDown = true;
    for (const delayed of this.#delayed.values()) delayed.cancel();
    this.#delayed.clear();
    this.#ready = [];
    this.#dirty.clear();
    this.#pending.clear();
    this.#metrics?.workqueueDepth.set({ controller: this.#name }, 0);
    for (const resolve of this.#getters.splice(0)) resolve(undefined);
  }

  /** shutDown(), then resolves once every key handed out has been marked done. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.#processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  #take(): string | undefined {
    const key = this.#ready.shift();
    if (key === undefined) return undefined;
    this.#dirty.delete(key);
    this.#processing.add(key);
    this.#touch(key);
    return key;
  }

  #dispatch(): void {
    while (this.#getters.length > 0 && this.#ready.length > 0) {
      const key = this.#take();
      const getter = this.#getters.shift();
      if (key !== undefined) getter?.(key);
    }
  }

  #touch(key: string): void {
    if (this.#dirty.has(key) || this.#delayed.has(key)) this.#pending.add(key);
    else this.#pending.delete(key);
    this.#metrics?.workqueueDepth.set({ controller: this.#name }, this.#pending.size);
  }
}
