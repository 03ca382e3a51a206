import { CoordinationV1Api, type KubeConfig, type V1Lease } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { LocalApiServer } from '../../src/local/apiserver/index.js';
import { LeaderElector } from '../../src/runtime/leader-election.js';
import { startTestCluster } from '../support/local-cluster.js';
import { waitFor } from '../support/wait-for.js';

// Short lease times (the Lease stores whole seconds); client-go's ratios: renewDeadline < leaseDuration.
const LEASE_MS = 2000;
const RENEW_DEADLINE_MS = 1000;
const RETRY_MS = 200;
const JITTER = 1.2;
/** Longest gap between two acquire attempts of a waiting candidate. */
const MAX_POLL_MS = RETRY_MS * (1 + JITTER);
const NAMESPACE = 'kube-system';
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

interface Candidate {
  readonly elector: LeaderElector;
  readonly abort: AbortController;
  readonly running: Promise<void>;
  /** Date.now() when the callbacks ran; undefined until they have. */
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  leadingSignal: AbortSignal | undefined;
}

/** Samples which candidates think they lead every few ms; records any moment with more than one. */
class LeadershipMonitor {
  readonly overlaps: string[][] = [];
  readonly leaders = new Set<string>();
  samples = 0;
  readonly #timer: NodeJS.Timeout;

  constructor(candidates: readonly Candidate[]) {
    this.#timer = setInterval(() => {
      const leading = candidates.filter((c) => c.elector.isLeader()).map((c) => c.elector.identity);
      this.samples++;
      for (const identity of leading) this.leaders.add(identity);
      if (leading.length > 1) this.overlaps.push(leading);
    }, 5);
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

describe.concurrent('leader election against the local API server', () => {
  let server: LocalApiServer;
  let kubeConfig: KubeConfig;
  let leases: CoordinationV1Api;

  beforeAll(async () => {
    ({ server, kubeConfig } = await startTestCluster());
    leases = kubeConfig.makeApiClient(CoordinationV1Api);
  });

  afterAll(async () => {
    await server?.stop();
  });

  function candidate(
    lease: string,
    identity: string,
    options: { releaseOnCancel?: boolean } = {},
  ): Candidate {
    const abort = new AbortController();
    const state: Omit<Candidate, 'running'> = {
      elector: new LeaderElector({
        kubeConfig,
        namespace: NAMESPACE,
        name: lease,
        identity,
        leaseDurationMs: LEASE_MS,
        renewDeadlineMs: RENEW_DEADLINE_MS,
        retryPeriodMs: RETRY_MS,
        jitterFactor: JITTER,
        ...options,
        onStartedLeading: (signal) => {
          state.startedAt = Date.now();
          state.leadingSignal = signal;
        },
        onStoppedLeading: () => {
          state.stoppedAt = Date.now();
        },
      }),
      abort,
      startedAt: undefined,
      stoppedAt: undefined,
      leadingSignal: undefined,
    };
    const running = state.elector.run(abort.signal);
    return Object.assign(state, { running });
  }

  function readLease(name: string): Promise<V1Lease> {
    return leases.readNamespacedLease({ name, namespace: NAMESPACE });
  }

  const leaderOf = (candidates: readonly Candidate[]) => candidates.find((c) => c.elector.isLeader());

  it('lets exactly one of two candidates lead, steadily, and writes a well-formed Lease', async ({
    expect,
  }) => {
    const a = candidate('steady', 'a');
    const b = candidate('steady', 'b');
    const monitor = new LeadershipMonitor([a, b]);
    try {
      const leader = await waitFor(() => leaderOf([a, b]), { description: 'a leader' });
      const follower = leader === a ? b : a;
      const since = Date.now();
      let gaps = 0;
      while (Date.now() - since < 3 * LEASE_MS) {
        if (!leader.elector.isLeader() || follower.elector.isLeader()) gaps++;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(gaps).toBe(0);
      expect(follower.startedAt).toBeUndefined();
      expect(follower.elector.getLeader()).toBe(leader.elector.identity);

      const lease = await readLease('steady');
      expect(lease.spec?.holderIdentity).toBe(leader.elector.identity);
      expect(lease.spec?.leaseDurationSeconds).toBe(LEASE_MS / 1000);
      expect(lease.spec?.leaseTransitions).toBe(0);
      expect(String(lease.spec?.acquireTime)).toMatch(MICRO_TIME);
      expect(String(lease.spec?.renewTime)).toMatch(MICRO_TIME);
      // Renewed every retry period since it was acquired, keeping acquireTime.
      const renewed = Date.parse(String(lease.spec?.renewTime));
      expect(renewed - Date.parse(String(lease.spec?.acquireTime))).toBeGreaterThan(2 * LEASE_MS);
      expect(Date.now() - renewed).toBeLessThan(RETRY_MS + 500);
    } finally {
      monitor.stop();
      await Promise.all([a.elector.release(), b.elector.release()]);
    }
    expect(monitor.overlaps).toEqual([]);
    expect(monitor.samples).toBeGreaterThan(100);
  });

  it('hands over at once when the leader stops gracefully', async ({ expect }) => {
    const a = candidate('handover', 'a');
    await waitFor(() => a.elector.isLeader(), { description: 'a leads' });
    const b = candidate('handover', 'b');
    const monitor = new LeadershipMonitor([a, b]);
    try {
      await waitFor(() => b.elector.getLeader() === 'a', { description: 'b sees a lead' });
      const stoppedAt = Date.now();
      a.abort.abort();
      await a.running;
      expect(a.stoppedAt).toBeDefined();
      expect(a.leadingSignal?.aborted).toBe(true);
      await waitFor(() => b.elector.isLeader(), { description: 'b leads', timeoutMs: LEASE_MS });
      // Well under a lease duration: b takes the released lease at its next attempt.
      expect(Date.now() - stoppedAt).toBeLessThan(MAX_POLL_MS + 300);

      const lease = await readLease('handover');
      expect(lease.spec?.holderIdentity).toBe('b');
      expect(lease.spec?.leaseTransitions).toBe(1);
      expect(lease.spec?.leaseDurationSeconds).toBe(LEASE_MS / 1000);
    } finally {
      monitor.stop();
      await Promise.all([a.elector.release(), b.elector.release()]);
    }
    expect(monitor.overlaps).toEqual([]);
    const released = await readLease('handover');
    expect(released.spec?.holderIdentity ?? '').toBe('');
    expect(released.spec?.leaseDurationSeconds).toBe(1);
  });

  it('takes over from a crashed leader once its lease expires', async ({ expect }) => {
    // releaseOnCancel false: aborting a's run stops its renewals and leaves the lease as a dead process would.
    const a = candidate('crash', 'a', { releaseOnCancel: false });
    await waitFor(() => a.elector.isLeader(), { description: 'a leads' });
    const b = candidate('crash', 'b');
    const monitor = new LeadershipMonitor([a, b]);
    try {
      await waitFor(() => b.elector.getLeader() === 'a', { description: 'b sees a lead' });
      const crashedAt = Date.now();
      a.abort.abort();
      await waitFor(() => b.elector.isLeader(), { description: 'b leads', timeoutMs: 2 * LEASE_MS });
      const takeover = Date.now() - crashedAt;
      // a's last renewal was at most one retry period before the crash, and b measures expiry from when it saw
      // that renewal, so b may not lead before LEASE - RETRY; it must by LEASE + two of its polls.
      expect(takeover).toBeGreaterThanOrEqual(LEASE_MS - RETRY_MS - 100);
      expect(takeover).toBeLessThan(LEASE_MS + 2 * MAX_POLL_MS + 300);
      const lease = await readLease('crash');
      expect(lease.spec?.holderIdentity).toBe('b');
      expect(lease.spec?.leaseTransitions).toBe(1);
    } finally {
      monitor.stop();
      await Promise.all([a.elector.release(), b.elector.release()]);
    }
    expect(monitor.overlaps).toEqual([]);
  });

  it('stops leading before its lease can expire when renewals fail', async ({ expect }) => {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/renew-fails`;
    let failing = false;
    let lastGoodPutAt = 0;
    // Fails a's renewals (PUTs naming it holder) once `failing` is set; remembers when the last one got through.
    const unintercept = server.intercept((request) => {
      if (request.method !== 'PUT' || request.path !== path) return undefined;
      const holder = (request.body as { spec?: { holderIdentity?: string } } | undefined)?.spec
        ?.holderIdentity;
      if (holder !== 'a') return undefined;
      if (!failing) {
        lastGoodPutAt = Date.now();
        return undefined;
      }
      return {
        status: 500,
        body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'InternalError', code: 500 },
      };
    });
    const a = candidate('renew-fails', 'a');
    await waitFor(() => a.elector.isLeader(), { description: 'a leads' });
    const b = candidate('renew-fails', 'b');
    const monitor = new LeadershipMonitor([a, b]);
    try {
      await waitFor(() => b.elector.getLeader() === 'a' && lastGoodPutAt > 0, {
        description: 'a renews, b sees',
      });
      failing = true;
      await waitFor(() => a.stoppedAt, { description: 'a stops leading', timeoutMs: LEASE_MS });
      const stoppedAt = a.stoppedAt ?? 0;
      expect(a.elector.isLeader()).toBe(false);
      expect(a.leadingSignal?.aborted).toBe(true);
      // The lease is good for others until at least LEASE after a's last accepted renewal; a gave up before.
      expect(stoppedAt).toBeLessThan(lastGoodPutAt + LEASE_MS);
      expect(stoppedAt - lastGoodPutAt).toBeLessThan(RENEW_DEADLINE_MS + 300);
      await a.running;

      await waitFor(() => b.elector.isLeader(), { description: 'b leads', timeoutMs: 2 * LEASE_MS });
      expect(b.startedAt ?? 0).toBeGreaterThanOrEqual(lastGoodPutAt + LEASE_MS);
    } finally {
      monitor.stop();
      unintercept();
      await Promise.all([a.elector.release(), b.elector.release()]);
    }
    expect(monitor.overlaps).toEqual([]);
  });
  it('stops leading in time when its requests hang (a partitioned leader)', async ({ expect }) => {
    const path = `/apis/coordination.k8s.io/v1/namespaces/${NAMESPACE}/leases/partition`;
    let partitioned = false;
    let lastGoodPutAt = 0;
    const held: (() => void)[] = [];
    const unavailable = {
      status: 503,
      body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 503 },
    };
    // Once partitioned, a's requests never get an answer: only its own timeouts can get it out.
    const unintercept = server.intercept((request) => {
      if (request.path !== path || request.method === 'GET') return undefined;
      const holder = (request.body as { spec?: { holderIdentity?: string } } | undefined)?.spec
        ?.holderIdentity;
      if (holder !== 'a') return undefined;
      if (!partitioned) {
        lastGoodPutAt = Date.now();
        return undefined;
      }
      return new Promise((resolve) => held.push(() => resolve(unavailable)));
    });
    const a = candidate('partition', 'a');
    await waitFor(() => a.elector.isLeader(), { description: 'a leads' });
    const b = candidate('partition', 'b');
    const monitor = new LeadershipMonitor([a, b]);
    try {
      await waitFor(() => b.elector.getLeader() === 'a' && lastGoodPutAt > 0, {
        description: 'a renews, b sees',
      });
      partitioned = true;
      await waitFor(() => a.stoppedAt, { description: 'a stops leading', timeoutMs: LEASE_MS });
      expect(a.stoppedAt ?? 0).toBeLessThan(lastGoodPutAt + LEASE_MS);
      expect(held.length).toBeGreaterThan(0);
      await waitFor(() => b.elector.isLeader(), { description: 'b leads', timeoutMs: 2 * LEASE_MS });
    } finally {
      monitor.stop();
      unintercept();
      for (const release of held) release();
      await Promise.all([a.elector.release(), b.elector.release()]);
    }
    expect(monitor.overlaps).toEqual([]);
  });
});
