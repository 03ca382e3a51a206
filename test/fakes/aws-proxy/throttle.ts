import type { Clock } from '../../../src/runtime/clock.js';
import type { AwsRequest, ThrottleRule, TokenBucketLimits } from './types.js';

/**
 * A service-side token bucket: unlike Skyway's client-side limiter (src/runtime/token-bucket.ts), which borrows
 * from the future and makes the caller wait, a service refuses the call outright when the bucket is empty.
 */
export class RefusingTokenBucket {
  readonly #limits: TokenBucketLimits;
  #tokens: number;
  #last: number;

  constructor(limits: TokenBucketLimits, now: number) {
    if (!(limits.qps >= 0) || !(limits.burst >= 0) || !Number.isFinite(limits.qps + limits.burst)) {
      throw new RangeError(
        `token bucket needs finite qps >= 0 and burst >= 0, got ${JSON.stringify(limits)}`,
      );
    }
    this.#limits = limits;
    this.#tokens = limits.burst;
    this.#last = now;
  }

  /** Takes a token if there is one. */
  tryTake(now: number): boolean {
    if (now > this.#last) {
      this.#tokens = Math.min(
        this.#limits.burst,
        this.#tokens + ((now - this.#last) / 1000) * this.#limits.qps,
      );
      this.#last = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/** One bucket per service and action, full until the action's first call (a full bucket stays full). */
export class Throttle {
  readonly #rule: ThrottleRule;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, RefusingTokenBucket>();

  constructor(rule: ThrottleRule, clock: Clock) {
    this.#rule = rule;
    this.#clock = clock;
    // Fail on bad limits when the rule is set, not on some later call.
    for (const limits of [...Object.values(rule.actions ?? {}), ...(rule.default ? [rule.default] : [])]) {
      new RefusingTokenBucket(limits, 0);
    }
  }

  /** `false` when the call is over its action's rate. */
  admit(request: AwsRequest): boolean {
    if (this.#rule.service !== undefined && this.#rule.service !== request.service) return true;
    const limits = Object.hasOwn(this.#rule.actions ?? {}, request.action)
      ? this.#rule.actions?.[request.action]
      : this.#rule.default;
    if (!limits) return true;
    const key = `${request.service}:${request.action}`;
    const now = this.#clock.now();
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      bucket = new RefusingTokenBucket(limits, now);
      this.#buckets.set(key, bucket);
    }
    return bucket.tryTake(now);
  }
}
