import { ApiException, type CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { EventRecorder, type EventRecorderOptions } from '../../../src/kube/event-recorder.js';
import type { Clock } from '../../../src/runtime/clock.js';

const service = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop', uid: 'u-1', resourceVersion: '7' },
};
const node = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'u-2' } };

interface Call {
  readonly op: 'create' | 'patch';
  readonly namespace: string;
  readonly name: string;
  readonly body: Record<string, unknown>;
}

/** Records calls; `fail` decides per call whether it throws (an ApiException status) instead. */
function fakeCore(fail: (call: Call) => number | undefined = () => undefined) {
  const calls: Call[] = [];
  let release: (() => void) | undefined;
  let gate: Promise<void> | undefined;
  const pass = async (call: Call) => {
    calls.push(call);
    if (gate) await gate;
    const status = fail(call);
    if (status !== undefined) throw new ApiException(status, 'failed', '{}', {});
    return call.body as unknown as CoreV1Event;
  };
  const core: EventRecorderOptions['core'] = {
    createNamespacedEvent: (param) =>
      pass({
        op: 'create',
        namespace: param.namespace,
        name: param.body.metadata.name ?? '',
        body: { ...param.body },
      }),
    patchNamespacedEvent: (param) =>
      pass({ op: 'patch', namespace: param.namespace, name: param.name, body: param.body }),
  };
  return {
    core,
    calls,
    /** Holds every write until released, to see what arrives while one is in flight. */
    hold() {
      gate = new Promise((resolve) => {
        release = resolve;
      });
    },
    release() {
      gate = undefined;
      release?.();
    },
  };
}

function manualClock(start = Date.UTC(2026, 0, 1)) {
  let now = start;
  const clock: Clock = {
    now: () => now,
    // Retries in these tests should not wait.
    setTimer: (fn) => {
      const handle = setTimeout(fn, 0);
      return () => clearTimeout(handle);
    },
  };
  return { clock, advance: (ms: number) => (now += ms) };
}

describe('event recorder', () => {
  it('creates one Event named like client-go, with source and reporting fields', async () => {
    const fake = fakeCore();
    const { clock } = manualClock();
    const recorder = new EventRecorder({ core: fake.core, reportingInstance: 'pod-a', clock });
    recorder.event(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    await recorder.flush();
    expect(fake.calls).toHaveLength(1);
    const [call] = fake.calls;
    expect(call?.namespace).toBe('shop');
    expect(call?.name).toBe(`web.${(BigInt(clock.now()) * 1_000_000n).toString(16)}`);
    expect(call?.body).toMatchObject({
      type: 'Normal',
      reason: 'EnsuringLoadBalancer',
      count: 1,
      source: { component: 'skyway' },
      reportingComponent: 'skyway.dev/controller',
      reportingInstance: 'pod-a',
      involvedObject: { kind: 'Service', apiVersion: 'v1', name: 'web', namespace: 'shop', uid: 'u-1' },
    });
  });

  it('puts Events about cluster-scoped objects in default', async () => {
    const fake = fakeCore();
    const recorder = new EventRecorder({ core: fake.core, reportingInstance: 'i' });
    recorder.event(node, 'Warning', 'FailedToCreateRoute', 'boom');
    await recorder.flush();
    expect(fake.calls[0]?.namespace).toBe('default');
  });

  it('folds repeats that arrive while a write is in flight into one patch', async () => {
    const fake = fakeCore();
    const { clock, advance } = manualClock();
    const recorder = new EventRecorder({ core: fake.core, reportingInstance: 'i', clock });
    fake.hold();
    recorder.event(service, 'Normal', 'R', 'm');
    for (let i = 0; i < 5; i += 1) {
      advance(1000);
      recorder.event(service, 'Normal', 'R', 'm');
    }
    fake.release();
    await recorder.flush();
    expect(fake.calls.map((c) => [c.op, c.body.count])).toEqual([
      ['create', 1],
      ['patch', 6],
    ]);
    expect(fake.calls[1]?.body.lastTimestamp).toBe(new Date(clock.now()).toISOString());
    expect(fake.calls[1]?.name).toBe(fake.calls[0]?.name);
  });

  it('starts a new Event once the aggregation window has passed', async () => {
    const fake = fakeCore();
    const { clock, advance } = manualClock();
    const recorder = new EventRecorder({
      core: fake.core,
      reportingInstance: 'i',
      clock,
      aggregationWindowMs: 60_000,
    });
    recorder.event(service, 'Normal', 'R', 'm');
    await recorder.flush();
    advance(60_001);
    recorder.event(service, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(fake.calls.map((c) => c.op)).toEqual(['create', 'create']);
    expect(fake.calls[0]?.name).not.toBe(fake.calls[1]?.name);
  });

  it('re-creates an Event whose patch finds it gone', async () => {
    const fake = fakeCore((call) => (call.op === 'patch' ? 404 : undefined));
    const recorder = new EventRecorder({ core: fake.core, reportingInstance: 'i' });
    recorder.event(service, 'Normal', 'R', 'm');
    await recorder.flush();
    recorder.event(service, 'Normal', 'R', 'm');
    await recorder.flush();
    expect(fake.calls.map((c) => [c.op, c.body.count])).toEqual([
      ['create', 1],
      ['patch', 2],
      ['create', 2],
    ]);
    expect(recorder.stats()).toMatchObject({ writes: 2, failed: 0 });
  });

  it('retries 5xx a bounded number of times but not 4xx', async () => {
    const { clock } = manualClock();
    const flaky = fakeCore((call) => (call.body.reason === 'Flaky' ? 503 : 403));
    const recorder = new EventRecorder({
      core: flaky.core,
      reportingInstance: 'i',
      clock,
      maxWriteAttempts: 3,
    });
    recorder.event(service, 'Normal', 'Flaky', 'm');
    recorder.event(service, 'Normal', 'Forbidden', 'm');
    await recorder.flush();
    expect(flaky.calls.map((c) => c.body.reason)).toEqual(['Flaky', 'Flaky', 'Flaky', 'Forbidden']);
    expect(recorder.stats()).toMatchObject({ writes: 0, failed: 2 });
  });

  it('drops and counts events over the per-object limit and objects without a kind', async () => {
    const fake = fakeCore();
    const recorder = new EventRecorder({
      core: fake.core,
      reportingInstance: 'i',
      spamFilter: { burst: 2, refillIntervalMs: 60_000 },
      maxQueue: 1,
    });
    recorder.event(service, 'Normal', 'A', 'm');
    recorder.event(service, 'Normal', 'B', 'm');
    recorder.event(service, 'Normal', 'C', 'm');
    recorder.event({ ...service, kind: undefined }, 'Normal', 'D', 'm');
    await recorder.flush();
    // A leaves the queue as its write starts, so B gets the one slot; C is over the object's burst of 2.
    expect(fake.calls.map((c) => c.body.reason)).toEqual(['A', 'B']);
    expect(recorder.stats()).toMatchObject({ droppedRateLimited: 1, droppedInvalid: 1, droppedQueueFull: 0 });
  });

  it('drops events when the queue is full', async () => {
    const fake = fakeCore();
    fake.hold();
    const recorder = new EventRecorder({ core: fake.core, reportingInstance: 'i', maxQueue: 2 });
    // A's write starts at once (and waits); B and C fill the queue.
    for (const reason of ['A', 'B', 'C', 'D']) recorder.event(node, 'Normal', reason, 'm');
    fake.release();
    await recorder.flush();
    expect(fake.calls.map((c) => c.body.reason)).toEqual(['A', 'B', 'C']);
    expect(recorder.stats().droppedQueueFull).toBe(1);
  });
});
