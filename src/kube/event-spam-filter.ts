import type { Clock } from '../runtime/clock.js';
import { LruMap } from './lru-map.js';

export interface SpamFilterOptions {
  /** Events an object may get in a burst. Default 25 (client-go). */
  readonly burst?: number;
  /** One more event is allowed per this interval, up to the burst. Default 300000 ms (client-go: 1 per 5 min). */
  readonly refillIntervalMs?: number;
  /** Objects tracked at once; the least recently seen are forgotten. Default 4096. */
  readonly maxObjects?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** client-go's EventSourceObjectSpamFilter: a token bucket per involved object. */
export class EventSpamFilter {
  private readonly buckets: LruMap<string, Bucket>;
  private readonly burst: number;
  private readonly refillIntervalMs: number;
  private readonly clock: Clock;

  constructor(clock: Clock, options: SpamFilterOptions = {}) {
    this.clock = clock;
    this.burst = options.burst ?? 25;
    this.refillIntervalMs = options.refillIntervalMs ?? 300_000;
    this.buckets = new LruMap(options.maxObjects ?? 4096);
  }

  /** Takes a token for `objectKey`; false means the event must be dropped. */
  allow(objectKey: string): boolean {
    const now = this.clock.now();
    const bucket = this.buckets.get(objectKey) ?? { tokens: this.burst, updatedAt: now };
    const refilled = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) / this.refillIntervalMs);
    const allowed = refilled >= 1;
    this.buckets.set(objectKey, { tokens: allowed ? refilled - 1 : refilled, updatedAt: now });
    return allowed;
  }
}
