import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/observability/metrics.js';
import { WorkQueue } from '../../../src/runtime/work-queue.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';
import { metricValue } from '../../support/metric-value.js';

function setup() {
  const clock = new FakeClock();
  const metrics = createMetrics();
  const queue = new WorkQueue({ name: 'test', clock, metrics });
  return { clock, metrics, queue };
}

/** Starts a get() and exposes what it resolved to, so a test can check it has not resolved yet. */
function pendingGet(queue: WorkQueue) {
  const state: { settled: boolean; key: string | undefined } = { settled: false, key: undefined };
  void queue.get().then((key) => {
    state.settled = true;
    state.key = key;
  });
  return state;
}

describe('WorkQueue', () => {
  it('queues a key at most once and hands keys out in order', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.add('b');
    queue.add('a');
    expect(queue.len()).toBe(2);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBe('b');
    expect(queue.len()).toBe(0);
  });

  it('never hands a key to a second worker while the first has it; a dirty key runs once more after done', async () => {
    const { queue } = setup();
    queue.add('a');
    expect(await queue.get()).toBe('a');
    const second = pendingGet(queue);
    queue.add('a');
    queue.add('a');
    await flushPromises();
    expect(second.settled).toBe(false);
    expect(queue.len()).toBe(1);
    queue.add('b');
    await flushPromises();
    expect(second.key).toBe('b');

    queue.done('a');
    expect(await queue.get()).toBe('a');
    queue.done('a');
    queue.done('b');
    const third = pendingGet(queue);
    await flushPromises();
    expect(third.settled).toBe(false);
    expect(queue.len()).toBe(0);
  });

  it('wakes waiting workers in the order they asked', async () => {
    const { queue } = setup();
    const first = pendingGet(queue);
    const second = pendingGet(queue);
    queue.add('a');
    queue.add('b');
    await flushPromises();
    expect([first.key, second.key]).toEqual(['a', 'b']);
  });

  it('addAfter holds a key back; of two delays the earlier wins', async () => {
    const { clock, queue } = setup();
    queue.addAfter('a', 1000);
    queue.addAfter('a', 100);
    queue.addAfter('b', 100);
    queue.addAfter('b', 1000);
    expect(queue.len()).toBe(2);
    const got = pendingGet(queue);
    await clock.advance(99);
    expect(got.settled).toBe(false);
    await clock.advance(1);
    expect(got.key).toBe('a');
    expect(await queue.get()).toBe('b');
    await clock.advance(5000);
    expect(queue.len()).toBe(0);
    expect(clock.pending()).toBe(0);
  });

  it('addRateLimited backs off 5, 10, 20 ms per key and forget starts over', async () => {
    const { clock, metrics, queue } = setup();
    const readyAfter = async (): Promise<number> => {
      const start = clock.now();
      const got = pendingGet(queue);
      while (!got.settled) await clock.advance(1);
      queue.done('a');
      return clock.now() - start;
    };
    queue.addRateLimited('a');
    expect(await readyAfter()).toBe(5);
    queue.addRateLimited('a');
    expect(await readyAfter()).toBe(10);
    queue.addRateLimited('a');
    expect(await readyAfter()).toBe(20);
    expect(queue.numRequeues('a')).toBe(3);
    queue.forget('a');
    queue.addRateLimited('a');
    expect(await readyAfter()).toBe(5);
    expect(
      await metricValue(metrics.registry, 'skyway_workqueue_retries_total', { controller: 'test' }),
    ).toBe(4);
  });

  it('addCoalesced turns a burst into one item after the window', async () => {
    const { clock, queue } = setup();
    const handedOut: string[] = [];
    const worker = async () => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        handedOut.push(key);
        queue.done(key);
      }
    };
    void worker();
    // 150 events, one every 10 ms: t = 0 … 1490.
    for (let i = 0; i < 150; i++) {
      queue.addCoalesced('routes', 1000);
      await clock.advance(10);
    }
    // The first window opened at t=0 and closed at t=1000; the event at t=1000 opened a second, closing at 2000.
    expect(handedOut).toEqual(['routes']);
    await clock.advance(499);
    expect(handedOut).toEqual(['routes']);
    await clock.advance(1);
    expect(handedOut).toEqual(['routes', 'routes']);
    await clock.advance(10_000);
    expect(handedOut).toEqual(['routes', 'routes']);
    queue.shutDown();
  });

  it('addCoalesced brings a key held back for longer forward to the window', async () => {
    const { clock, queue } = setup();
    queue.addAfter('routes', 60_000);
    queue.addCoalesced('routes', 1000);
    const got = pendingGet(queue);
    await clock.advance(1000);
    expect(got.key).toBe('routes');
  });

  it('reports its depth (ready and held back) in skyway_workqueue_depth', async () => {
    const { clock, metrics, queue } = setup();
    const depth = () => metricValue(metrics.registry, 'skyway_workqueue_depth', { controller: 'test' });
    queue.add('a');
    queue.add('b');
    queue.addAfter('c', 100);
    expect(await depth()).toBe(3);
    await queue.get();
    expect(await depth()).toBe(2);
    await clock.advance(100);
    expect(await depth()).toBe(2);
    queue.shutDown();
    expect(await depth()).toBe(0);
  });

  it('shuts down: waiting workers get undefined, adds are ignored, held-back keys dropped', async () => {
    const { clock, queue } = setup();
    const waiting = pendingGet(queue);
    queue.addAfter('later', 100);
    queue.shutDown();
    await flushPromises();
    expect(waiting).toEqual({ settled: true, key: undefined });
    queue.add('a');
    expect(queue.len()).toBe(0);
    expect(await queue.get()).toBeUndefined();
    expect(clock.pending()).toBe(0);
  });

  it('shutDownWithDrain resolves only when the keys being processed are done', async () => {
    const { queue } = setup();
    queue.add('a');
    queue.add('b');
    queue.add('c');
    await queue.get();
    await queue.get();
    let drained = false;
    void queue.shutDownWithDrain().then(() => {
      drained = true;
    });
    // A worker asking for more gets nothing, even though c was waiting.
    expect(await queue.get()).toBeUndefined();
    queue.done('a');
    await flushPromises();
    expect(drained).toBe(false);
    queue.done('b');
    await flushPromises();
    expect(drained).toBe(true);
  });
});
