import { describe, expect, it } from 'vitest';
import { EventSpamFilter } from '../../../src/kube/event-spam-filter.js';
import type { Clock } from '../../../src/runtime/clock.js';

describe('EventSpamFilter', () => {
  it('allows a burst per object, then one per refill interval', () => {
    let now = 0;
    const clock: Clock = { now: () => now, setTimer: () => () => {} };
    const filter = new EventSpamFilter(clock, { burst: 3, refillIntervalMs: 1000 });
    expect([1, 2, 3, 4].map(() => filter.allow('a'))).toEqual([true, true, true, false]);
    expect(filter.allow('b')).toBe(true);
    now = 999;
    expect(filter.allow('a')).toBe(false);
    now = 1000;
    expect(filter.allow('a')).toBe(true);
    expect(filter.allow('a')).toBe(false);
    now = 100_000;
    expect([1, 2, 3, 4].map(() => filter.allow('a'))).toEqual([true, true, true, false]);
  });

  it('forgets the least recently used objects beyond maxObjects', () => {
    const clock: Clock = { now: () => 0, setTimer: () => () => {} };
    const filter = new EventSpamFilter(clock, { burst: 1, refillIntervalMs: 1000, maxObjects: 2 });
    expect(filter.allow('a')).toBe(true);
    expect(filter.allow('b')).toBe(true);
    expect(filter.allow('c')).toBe(true);
    // `a` was evicted, so it starts with a full bucket again; `c` was not.
    expect(filter.allow('a')).toBe(true);
    expect(filter.allow('c')).toBe(false);
  });
});
