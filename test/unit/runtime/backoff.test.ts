import { describe, expect, it } from 'vitest';
import { ExponentialBackoff } from '../../../src/runtime/backoff.js';

describe('ExponentialBackoff', () => {
  it('doubles from 5 ms per failure of a key and caps at 5 min', () => {
    const backoff = new ExponentialBackoff();
    const delays = Array.from({ length: 20 }, () => backoff.when('a'));
    expect(delays.slice(0, 6)).toEqual([5, 10, 20, 40, 80, 160]);
    // 5 ms × 2^16 = 327 680 ms is the first step past 300 000.
    expect(delays[15]).toBe(163_840);
    expect(delays.slice(16)).toEqual([300_000, 300_000, 300_000, 300_000]);
    expect(backoff.numRequeues('a')).toBe(20);
  });

  it('keeps keys apart and starts again after forget', () => {
    const backoff = new ExponentialBackoff({ baseDelayMs: 100, maxDelayMs: 1000 });
    backoff.when('a');
    backoff.when('a');
    expect(backoff.when('b')).toBe(100);
    expect(backoff.when('a')).toBe(400);
    backoff.forget('a');
    expect(backoff.numRequeues('a')).toBe(0);
    expect(backoff.when('a')).toBe(100);
  });

  it('stays at the cap however many failures there are', () => {
    const backoff = new ExponentialBackoff();
    for (let i = 0; i < 2000; i++) backoff.when('a');
    expect(backoff.when('a')).toBe(300_000);
  });
});
