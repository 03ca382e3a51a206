import type { KubernetesObject } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { TerminalError } from '../../../src/errors.js';
import { type CacheEventHandler, type InformerCache, objectKey } from '../../../src/kube/cache-types.js';
import { createMetrics, type Metrics } from '../../../src/observability/metrics.js';
import { Controller, type ControllerOptions } from '../../../src/runtime/controller.js';
import type { Reconciler, Result } from '../../../src/runtime/reconciler.js';
import { FakeClock, flushPromises } from '../../support/fake-clock.js';
import { metricValue } from '../../support/metric-value.js';

/** An informer cache a test fills by hand; handlers fire synchronously, as the real one's do. */
class FakeCache<T extends KubernetesObject> implements InformerCache<T> {
  readonly resource = 'nodes';
  readonly #objects = new Map<string, T>();
  readonly #handlers = new Set<CacheEventHandler<T>>();

  async start(): Promise<void> {}
  stop(): void {}
  hasSynced(): boolean {
    return true;
  }
  list(): readonly T[] {
    return [...this.#objects.values()];
  }
  get(key: string): T | undefined {
    return this.#objects.get(key);
  }
  addHandler(handler: CacheEventHandler<T>): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }
  handlerCount(): number {
    return this.#handlers.size;
  }
  set(object: T): void {
    const key = objectKey(object);
    const previous = this.#objects.get(key);
    this.#objects.set(key, object);
    for (const handler of this.#handlers) {
      if (previous) handler.onUpdate?.(object, previous);
      else handler.onAdd?.(object);
    }
  }
  delete(key: string): void {
    const object = this.#objects.get(key);
    if (!object) return;
    this.#objects.delete(key);
    for (const handler of this.#handlers) handler.onDelete?.(object);
  }
}

function node(name: string, labels: Record<string, string> = {}): KubernetesObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels } };
}

interface Call {
  readonly key: string;
  readonly at: number;
}

/** A reconciler that records its calls and answers with `behaviour` (the call index counts per key from 0). */
function recordingReconciler(
  behaviour: (key: string, attempt: number, signal: AbortSignal) => Promise<Result> | Result = () => ({}),
  clock?: FakeClock,
): Reconciler & { calls: Call[] } {
  const calls: Call[] = [];
  return {
    name: 'test',
    calls,
    async reconcile(key, signal) {
      const attempt = calls.filter((call) => call.key === key).length;
      calls.push({ key, at: clock?.now() ?? 0 });
      return behaviour(key, attempt, signal);
    },
  };
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function setup(reconciler: Reconciler, options: Partial<ControllerOptions> = {}) {
  const clock = (options.clock as FakeClock | undefined) ?? new FakeClock();
  const metrics: Metrics = createMetrics();
  const controller = new Controller({ reconciler, clock, metrics, resyncPeriodMs: 0, ...options });
  const count = (result: string) =>
    metricValue(metrics.registry, 'skyway_reconcile_total', { controller: 'test', result });
  return { clock, metrics, controller, count };
}

describe('Controller', () => {
  it('reconciles every cached key on start and forgets a key after success', async () => {
    const cache = new FakeCache();
    cache.set(node('n1'));
    cache.set(node('n2'));
    const reconciler = recordingReconciler();
    const { controller, count } = setup(reconciler);
    controller.watch(cache, (object) => [objectKey(object)]);
    controller.start();
    await flushPromises();
    expect(reconciler.calls.map((call) => call.key).sort()).toEqual(['n1', 'n2']);
    expect(await count('success')).toBe(2);
    expect(controller.queue.numRequeues('n1')).toBe(0);
    await controller.stop();
  });

  it('retries a failing key with exponential backoff until it succeeds, then forgets its failures', async () => {
    const clock = new FakeClock();
    const reconciler = recordingReconciler((_key, attempt) => {
      if (attempt < 3) throw new Error('cloud said no');
      return {};
    }, clock);
    const { controller, metrics, count } = setup(reconciler, { clock });
    controller.start();
    const start = clock.now();
    controller.queue.add('svc');
    await clock.advance(1000);
    expect(reconciler.calls.map((call) => call.at - start)).toEqual([0, 5, 15, 35]);
    expect(await count('error')).toBe(3);
    expect(await count('success')).toBe(1);
    expect(
      await metricValue(metrics.registry, 'skyway_workqueue_retries_total', { controller: 'test' }),
    ).toBe(3);
    expect(controller.queue.numRequeues('svc')).toBe(0);
    await controller.stop();
  });

  it('does not retry a TerminalError', async () => {
    const reconciler = recordingReconciler(() => {
      throw new TerminalError(
        'metadata.annotations[skyway.dev/scheme]',
        'must be internal or internet-facing',
      );
    });
    const { clock, controller, count } = setup(reconciler);
    controller.start();
    controller.queue.add('default/web');
    await clock.advance(600_000);
    expect(reconciler.calls).toHaveLength(1);
    expect(await count('terminal')).toBe(1);
    expect(await count('error')).toBe(0);
    expect(controller.queue.len()).toBe(0);
    await controller.stop();
  });

  it('reconciles again after requeueAfterMs', async () => {
    const clock = new FakeClock();
    const reconciler = recordingReconciler(
      (_key, attempt) => (attempt === 0 ? { requeueAfterMs: 30_000 } : {}),
      clock,
    );
    const { controller, count } = setup(reconciler, { clock });
    controller.start();
    const start = clock.now();
    controller.queue.add('default/web');
    await clock.advance(29_999);
    expect(reconciler.calls).toHaveLength(1);
    await clock.advance(1);
    expect(reconciler.calls.map((call) => call.at - start)).toEqual([0, 30_000]);
    expect(await count('requeue')).toBe(1);
    expect(await count('success')).toBe(1);
    await controller.stop();
  });

  it('re-adds every cached key each resync period', async () => {
    const cache = new FakeCache();
    cache.set(node('n1'));
    cache.set(node('n2'));
    const reconciler = recordingReconciler();
    const { clock, controller } = setup(reconciler, { resyncPeriodMs: 60_000 });
    controller.watch(cache, (object) => [objectKey(object)]);
    controller.start();
    await clock.advance(59_999);
    expect(reconciler.calls).toHaveLength(2);
    await clock.advance(1);
    expect(reconciler.calls).toHaveLength(4);
    await clock.advance(60_000);
    expect(reconciler.calls).toHaveLength(6);
    await controller.stop();
    await clock.advance(600_000);
    expect(reconciler.calls).toHaveLength(6);
  });

  it('takes resync keys from resyncKeys() when given', async () => {
    const cache = new FakeCache();
    cache.set(node('n1'));
    const reconciler = recordingReconciler();
    const { clock, controller } = setup(reconciler, {
      resyncPeriodMs: 60_000,
      resyncKeys: async () => ['routes'],
    });
    controller.watch(cache, () => ['routes']);
    controller.start();
    await clock.advance(60_000);
    expect(reconciler.calls.map((call) => call.key)).toEqual(['routes', 'routes']);
    await controller.stop();
  });

  it('maps add, update (old and new keys) and delete events to keys', async () => {
    const cache = new FakeCache();
    const reconciler = recordingReconciler();
    const { controller } = setup(reconciler);
    // Keyed by a label, so an update can move an object from one key to another.
    controller.watch(cache, (object) => [object.metadata?.labels?.pool ?? 'none']);
    controller.start();
    cache.set(node('n1', { pool: 'a' }));
    await flushPromises();
    cache.set(node('n1', { pool: 'b' }));
    await flushPromises();
    cache.delete('n1');
    await flushPromises();
    expect(reconciler.calls.map((call) => call.key)).toEqual(['a', 'a', 'b', 'b']);
    await controller.stop();
  });

  it('skips updates that do not matter', async () => {
    const cache = new FakeCache();
    cache.set(node('n1', { pool: 'a' }));
    const reconciler = recordingReconciler();
    const { controller } = setup(reconciler);
    controller.watch(cache, (object) => [objectKey(object)], {
      updateMatters: (object, previous) => object.metadata?.labels?.pool !== previous.metadata?.labels?.pool,
    });
    controller.start();
    await flushPromises();
    cache.set(node('n1', { pool: 'a', heartbeat: '1' }));
    await flushPromises();
    expect(reconciler.calls).toHaveLength(1);
    cache.set(node('n1', { pool: 'b' }));
    await flushPromises();
    expect(reconciler.calls).toHaveLength(2);
    await controller.stop();
  });

  it('coalesces a burst of events on a coalescing watch into one reconcile', async () => {
    const cache = new FakeCache();
    const reconciler = recordingReconciler();
    const { clock, controller } = setup(reconciler);
    controller.watch(cache, () => ['routes'], { coalesceMs: 2000 });
    controller.start();
    await flushPromises();
    for (let i = 0; i < 100; i++) {
      cache.set(node(`n${i}`));
      await clock.advance(10);
    }
    await clock.advance(1000);
    expect(reconciler.calls.map((call) => call.key)).toEqual(['routes']);
    await controller.stop();
  });

  it('runs different keys in parallel but never one key twice at once', async () => {
    const release = new Map<string, () => void>();
    let running = 0;
    let maxRunning = 0;
    const runningKeys = new Set<string>();
    const reconciler = recordingReconciler(async (key) => {
      expect(runningKeys.has(key)).toBe(false);
      runningKeys.add(key);
      maxRunning = Math.max(maxRunning, ++running);
      const gate = deferred();
      release.set(key, gate.resolve);
      await gate.promise;
      running--;
      runningKeys.delete(key);
      return {};
    });
    const { controller } = setup(reconciler, { concurrency: 3 });
    controller.start();
    controller.queue.add('a');
    controller.queue.add('b');
    await flushPromises();
    controller.queue.add('a');
    await flushPromises();
    expect(reconciler.calls.map((call) => call.key)).toEqual(['a', 'b']);
    release.get('a')?.();
    await flushPromises();
    expect(reconciler.calls.map((call) => call.key)).toEqual(['a', 'b', 'a']);
    release.get('a')?.();
    release.get('b')?.();
    await flushPromises();
    expect(maxRunning).toBe(2);
    await controller.stop();
  });

  it('stop lets in-flight reconciles finish and starts no new ones', async () => {
    const gate = deferred();
    const reconciler = recordingReconciler(async (key) => {
      if (key === 'slow') await gate.promise;
      return {};
    });
    const cache = new FakeCache();
    const { controller } = setup(reconciler);
    controller.watch(cache, (object) => [objectKey(object)]);
    controller.start();
    controller.queue.add('slow');
    await flushPromises();
    controller.queue.add('next');
    let stopped = false;
    void controller.stop().then(() => {
      stopped = true;
    });
    await flushPromises();
    expect(stopped).toBe(false);
    expect(cache.handlerCount()).toBe(0);
    gate.resolve();
    await flushPromises();
    expect(stopped).toBe(true);
    expect(reconciler.calls.map((call) => call.key)).toEqual(['slow']);
  });

  it('aborts in-flight reconciles when the drain times out', async () => {
    let aborted = false;
    const reconciler = recordingReconciler(
      (_key, _attempt, signal) =>
        new Promise<Result>(() => {
          signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
    );
    const { clock, controller } = setup(reconciler, { drainTimeoutMs: 5000 });
    controller.start();
    controller.queue.add('stuck');
    await flushPromises();
    let stopped = false;
    void controller.stop().then(() => {
      stopped = true;
    });
    await clock.advance(4999);
    expect([aborted, stopped]).toEqual([false, false]);
    await clock.advance(1);
    expect([aborted, stopped]).toEqual([true, true]);
  });

  it('stops when the start signal aborts', async () => {
    const reconciler = recordingReconciler();
    const { controller } = setup(reconciler);
    const abort = new AbortController();
    controller.start(abort.signal);
    abort.abort();
    await controller.stop();
    controller.queue.add('a');
    await flushPromises();
    expect(reconciler.calls).toHaveLength(0);
  });

  it('records reconcile durations and queue depth', async () => {
    const clock = new FakeClock();
    const reconciler = recordingReconciler(async () => {
      await new Promise<void>((resolve) => clock.setTimer(resolve, 250));
      return {};
    });
    const { controller, metrics } = setup(reconciler, { clock });
    controller.queue.add('a');
    controller.queue.add('b');
    expect(await metricValue(metrics.registry, 'skyway_workqueue_depth', { controller: 'test' })).toBe(2);
    controller.start();
    await clock.advance(500);
    const histogram = await metrics.registry.getSingleMetric('skyway_reconcile_duration_seconds')?.get();
    // prom-client sets metricName on a histogram's values but leaves it out of its MetricValue type.
    const values = (histogram?.values ?? []) as { metricName?: string; value: number }[];
    const sum = values.find((value) => value.metricName === 'skyway_reconcile_duration_seconds_sum');
    const count = values.find((value) => value.metricName === 'skyway_reconcile_duration_seconds_count');
    expect([sum?.value, count?.value]).toEqual([0.5, 2]);
    expect(await metricValue(metrics.registry, 'skyway_workqueue_depth', { controller: 'test' })).toBe(0);
    await controller.stop();
  });
});
