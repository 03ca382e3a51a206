import type { RateLimiter } from './rate-limiter.js';

export interface ExponentialBackoffOptions {
  /** Delay after the first failure. Default 5 ms. */
  readonly baseDelayMs?: number;
  /** The delay never exceeds this. Default 5 min. */
  readonly maxDelayMs?: number;
}

/** Per-key exponential backoff (client-go's ItemExponentialFailureRateLimiter): base, 2×base, 4×base… capped. */
export class ExponentialBackoff implements RateLimiter {
  readonly #baseDelayMs: number;
  readonly #maxDelayMs: number;
  readonly #failures = new Map<string, number>();

  constructor(options: ExponentialBackoffOptions = {}) {
    this.#baseDelayMs = options.baseDelayMs ?? 5;
    this.#maxDelayMs = options.maxDelayMs ?? 300_000;
  }

  when(key: string): number {
    const failures = this.#failures.get(key) ?? 0;
    this.#failures.set(key, failures + 1);
    // 2 ** failures becomes Infinity long after the cap is reached, which Math.min handles.
    return Math.min(this.#baseDelayMs * 2 ** failures, this.#maxDelayMs);
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.#failures.get(key) ?? 0;
  }
}
