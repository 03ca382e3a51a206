import { describe, expect, it } from 'vitest';
import { createDefaultRateLimiter } from '../../../src/runtime/rate-limiter.js';
import { TokenBucket } from '../../../src/runtime/token-bucket.js';
import { FakeClock } from '../../support/fake-clock.js';

describe('TokenBucket', () => {
  it('lets a burst through, then spaces calls at qps', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 3, clock });
    expect([bucket.reserve(), bucket.reserve(), bucket.reserve()]).toEqual([0, 0, 0]);
    // Each further call borrows a token that exists 100 ms after the one before.
    expect(bucket.reserve()).toBeCloseTo(100);
    expect(bucket.reserve()).toBeCloseTo(200);
    expect(bucket.reserve()).toBeCloseTo(300);
  });

  it('refills with time, up to the burst', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 2, clock });
    bucket.reserve();
    bucket.reserve();
    await clock.advance(100);
    expect(bucket.reserve()).toBe(0);
    expect(bucket.reserve()).toBeCloseTo(100);
    await clock.advance(60_000);
    expect([bucket.reserve(), bucket.reserve()]).toEqual([0, 0]);
    expect(bucket.reserve()).toBeCloseTo(100);
  });

  it('limits the overall rate: 1000 calls at 10 qps burst 100 take 90 s', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 10, burst: 100, clock });
    let last = 0;
    for (let i = 0; i < 1000; i++) last = bucket.reserve();
    expect(last).toBeCloseTo(90_000);
  });

  it('acquire waits for its token on the clock', async () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ qps: 1, burst: 1, clock });
    await bucket.acquire();
    let admitted = false;
    void bucket.acquire().then(() => {
      admitted = true;
    });
    await clock.advance(999);
    expect(admitted).toBe(false);
    await clock.advance(1);
    expect(admitted).toBe(true);
  });
});

describe('default controller rate limiter', () => {
  it('waits the longer of the key backoff and the overall bucket', () => {
    const clock = new FakeClock();
    const limiter = createDefaultRateLimiter({ clock, qps: 1, burst: 2 });
    expect(limiter.when('a')).toBe(5);
    expect(limiter.when('a')).toBe(10);
    // The bucket is empty now: the third failure waits for the next token, 1 s away, not 20 ms.
    expect(limiter.when('b')).toBeCloseTo(1000);
    expect(limiter.numRequeues('a')).toBe(2);
    limiter.forget('a');
    expect(limiter.numRequeues('a')).toBe(0);
  });
});
