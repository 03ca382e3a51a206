import { ExponentialBackoff } from './backoff.js';
import type { Clock } from './clock.js';
import { TokenBucket } from './token-bucket.js';

/** client-go's workqueue.RateLimiter: how long a key waits before its next attempt. */
export interface RateLimiter {
  /** The delay before the key's next attempt, in ms; each call counts as one more failure of the key. */
  when(key: string): number;
  /** Clears the key's failure history (after a success, or when the key is gone). */
  forget(key: string): void;
  /** Failures counted for the key since it was last forgotten. */
  numRequeues(key: string): number;
}

/** Combines limiters: the delay is the longest any of them asks for. */
export class MaxOfRateLimiter implements RateLimiter {
  readonly #limiters: readonly RateLimiter[];

  constructor(...limiters: readonly RateLimiter[]) {
    this.#limiters = limiters;
  }

  when(key: string): number {
    // Every limiter must see the call (the bucket spends a token, the backoff counts a failure), so no short cut.
    return this.#limiters.reduce((max, limiter) => Math.max(max, limiter.when(key)), 0);
  }

  forget(key: string): void {
    for (const limiter of this.#limiters) limiter.forget(key);
  }

  numRequeues(key: string): number {
    return this.#limiters.reduce((max, limiter) => Math.max(max, limiter.numRequeues(key)), 0);
  }
}

export interface DefaultRateLimiterOptions {
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** First per-key retry delay. Default 5 ms. */
  readonly baseDelayMs?: number;
  /** Per-key retry delay cap. Default 5 min. */
  readonly maxDelayMs?: number;
  /** Overall retries per second across all keys. Default 10. */
  readonly qps?: number;
  /** Retries allowed at once before `qps` applies. Default 100. */
  readonly burst?: number;
}

/** client-go's DefaultControllerRateLimiter: per-key exponential backoff, bounded overall by a token bucket. */
export function createDefaultRateLimiter(options: DefaultRateLimiterOptions = {}): RateLimiter {
  return new MaxOfRateLimiter(
    new ExponentialBackoff({
      baseDelayMs: options.baseDelayMs ?? 5,
      maxDelayMs: options.maxDelayMs ?? 300_000,
    }),
    new TokenBucket({ qps: options.qps ?? 10, burst: options.burst ?? 100, clock: options.clock }),
  );
}
