import type { CoreV1Api, V1Service } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventRecorder } from '../../src/kube/event-recorder.js';
import type { LocalApiServer } from '../../src/local/apiserver/index.js';
import { type Clock, systemClock } from '../../src/runtime/clock.js';
import { startTestCluster } from '../support/local-cluster.js';

type Server = LocalApiServer;

const NS = 'events';

/** Real timers, but a wall clock the test moves, so timestamps differ without waiting. */
function steppedClock() {
  let now = Date.parse('2026-03-01T12:00:00Z');
  const clock: Clock = { now: () => now, setTimer: systemClock.setTimer };
  return { clock, advance: (ms: number) => (now += ms) };
}

describe('event recorder against the local API server', () => {
  let server: Server;
  let core: CoreV1Api;
  let serial = 0;

  async function createService(): Promise<V1Service> {
    serial += 1;
    return core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: `ev-${serial}` }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] } },
    });
  }

  async function eventsAbout(name: string, namespace = NS) {
    const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
    return list.items;
  }

  beforeAll(async () => {
    ({ server, core } = await startTestCluster({ namespaces: [NS] }));
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('folds 10 identical events into one Event with count 10 and a later lastTimestamp', async () => {
    const service = await createService();
    const { clock, advance } = steppedClock();
    const recorder = new EventRecorder({ core, reportingInstance: 'test-replica', clock });
    for (let i = 0; i < 10; i += 1) {
      recorder.event(service, 'Warning', 'SyncLoadBalancerFailed', 'subnet not found');
      advance(2000);
    }
    await recorder.flush();

    const events = await eventsAbout(service.metadata?.name ?? '');
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      type: 'Warning',
      reason: 'SyncLoadBalancerFailed',
      message: 'subnet not found',
      count: 10,
      source: { component: 'skyway' },
      reportingComponent: 'skyway.dev/controller',
      reportingInstance: 'test-replica',
      involvedObject: { kind: 'Service', name: service.metadata?.name, uid: service.metadata?.uid },
    });
    expect(event?.metadata.name).toMatch(new RegExp(`^${service.metadata?.name}\\.[0-9a-f]+$`));
    expect(event?.lastTimestamp?.getTime()).toBeGreaterThan(event?.firstTimestamp?.getTime() ?? Infinity);
    expect(event?.lastTimestamp?.toISOString()).toBe('2026-03-01T12:00:18.000Z');
  });

  it('makes a separate Event for a different reason', async () => {
    const service = await createService();
    const recorder = new EventRecorder({ core, reportingInstance: 'r' });
    recorder.event(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    recorder.event(service, 'Normal', 'EnsuredLoadBalancer', 'Ensured load balancer');
    recorder.event(service, 'Normal', 'EnsuringLoadBalancer', 'Ensuring load balancer');
    await recorder.flush();
    const events = await eventsAbout(service.metadata?.name ?? '');
    expect(events.map((e) => [e.reason, e.count]).sort()).toEqual([
      ['EnsuredLoadBalancer', 1],
      ['EnsuringLoadBalancer', 2],
    ]);
  });

  it('drops the excess of a burst over the per-object limit, and counts it', async () => {
    const service = await createService();
    const other = await createService();
    const recorder = new EventRecorder({
      core,
      reportingInstance: 'r',
      spamFilter: { burst: 5, refillIntervalMs: 300_000 },
    });
    for (let i = 0; i < 8; i += 1) recorder.event(service, 'Warning', `Reason${i}`, 'm');
    recorder.event(other, 'Normal', 'Unaffected', 'another object has its own budget');
    await recorder.flush();
    expect(await eventsAbout(service.metadata?.name ?? '')).toHaveLength(5);
    expect(await eventsAbout(other.metadata?.name ?? '')).toHaveLength(1);
    expect(recorder.stats()).toMatchObject({ droppedRateLimited: 3, failed: 0, writes: 6 });
  });

  it('records Events about cluster-scoped objects in default', async () => {
    const node = await core.createNode({ body: { metadata: { name: 'event-node' } } });
    const recorder = new EventRecorder({ core, reportingInstance: 'r' });
    recorder.event(node, 'Normal', 'CreatedRoute', 'Created route 10.244.1.0/24');
    await recorder.flush();
    const events = await eventsAbout('event-node', 'default');
    expect(events.map((e) => [e.reason, e.involvedObject.kind])).toEqual([['CreatedRoute', 'Node']]);
  });
});
