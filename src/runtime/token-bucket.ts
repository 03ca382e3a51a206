import { type Clock, sleep, systemClock } from './clock.js';
import type { RateLimiter } from './rate-limiter.js';

export interface TokenBucketOptions {
  /** Tokens added per second. */
  readonly qps: number;
  /** Bucket size: how many calls may go at once after a quiet period. */
  readonly burst: number;
  /** Default: the system clock. */
  readonly clock?: Clock;
}

/**
 * An overall rate limit shared by all keys (client-go's BucketRateLimiter over golang.org/x/time/rate). Each call
 * reserves a token, borrowing from the future when the bucket is empty, and returns how long until that token
 * exists; so a burst of N failures beyond `burst` is spread out at `qps`.
 */
export class TokenBucket implements RateLimiter {
  readonly #qps: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions) {
    if (!(options.qps > 0) || !(options.burst >= 1))
      throw new RangeError('token bucket needs qps > 0 and burst >= 1');
    this.#qps = options.qps;
    this.#burst = options.burst;
    this.#clock = options.clock ?? systemClock;
    this.#tokens = options.burst;
    this.#last = this.#clock.now();
  }

  /** Takes one token; returns the ms to wait until it is really available (0 when the bucket had one). */
  reserve(): number {
    const now = this.#clock.now();
    if (now > this.#last) {
      this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) / 1000) * this.#qps);
      this.#last = now;
    }
    this.#tokens -= 1;
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.#qps) * 1000;
  }

  /** Waits for a token (client-side admission before a cloud call); an abort gives the token back. */
  async acquire(signal?: AbortSignal): Promise<void> {
    const waitMs = this.reserve();
    if (waitMs <= 0) return;
    try {
      await sleep(this.#clock, waitMs, signal);
    } catch (error) {
      this.#tokens += 1;
      throw error;
    }
  }

  when(_key: string): number {
    return this.reserve();
  }

  forget(_key: string): void {}

  numRequeues(_key: string): number {
    return 0;
  }
}
