import { describe, expect, it } from 'vitest';
import { TtlBatchCache } from '../../../providers/aws/ttl-batch-cache.js';
import { FakeClock } from '../../support/fake-clock.js';

const signal = new AbortController().signal;

function cache(clock: FakeClock, known: Record<string, number>) {
  const loads: string[][] = [];
  let release: () => void = () => undefined;
  let gate: Promise<void> = Promise.resolve();
  const instance = new TtlBatchCache<number>({
    ttlMs: 1_000,
    now: () => clock.now(),
    batchSize: 2,
    load: async (keys) => {
      loads.push([...keys]);
      await gate;
      return new Map(keys.flatMap((key) => (key in known ? [[key, known[key] ?? 0] as const] : [])));
    },
  });
  return {
    instance,
    loads,
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
  };
}

describe('TtlBatchCache', () => {
  it('loads missing keys in batches, remembers absences, and reloads after the TTL', async () => {
    const clock = new FakeClock();
    const c = cache(clock, { a: 1, b: 2, c: 3 });
    expect(await c.instance.getMany(['a', 'b', 'c', 'x', 'a'], signal)).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
        ['c', 3],
        ['x', undefined],
      ]),
    );
    expect(c.loads).toEqual([
      ['a', 'b'],
      ['c', 'x'],
    ]);
    await c.instance.getMany(['x', 'b'], signal);
    expect(c.loads).toHaveLength(2);
    await clock.advance(1_000);
    await c.instance.getMany(['b'], signal);
    expect(c.loads.at(-1)).toEqual(['b']);
  });

  it('lets a concurrent caller wait for a load in flight instead of asking again', async () => {
    const c = cache(new FakeClock(), { a: 1, b: 2 });
    c.hold();
    const first = c.instance.getMany(['a'], signal);
    const second = c.instance.getMany(['a', 'b'], signal);
    c.release();
    expect(await first).toEqual(new Map([['a', 1]]));
    expect(await second).toEqual(
      new Map([
        ['a', 1],
        ['b', 2],
      ]),
    );
    expect(c.loads).toEqual([['a'], ['b']]);
  });

  it('takes values learnt elsewhere as fresh', async () => {
    const c = cache(new FakeClock(), {});
    c.instance.set('a', 7);
    expect(await c.instance.getMany(['a'], signal)).toEqual(new Map([['a', 7]]));
    expect(c.loads).toEqual([]);
    expect(c.instance.peek('a')).toBe(7);
  });
});
