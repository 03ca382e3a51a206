import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig, V1Lease } from '@kubernetes/client-node';
import { apiStatusCode, isNotFound } from '../kube/api-errors.js';
import { type Logger, silentLogger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { type Clock, sleep, systemClock } from './clock.js';
import { LeaseClient } from './lease-client.js';
import {
  formatMicroTime,
  type LeaseRecord,
  recordFromLease,
  sameRecord,
  specFromRecord,
} from './lease-record.js';

export interface LeaderElectorOptions {
  readonly kubeConfig: KubeConfig;
  /** Namespace and name of the coordination.k8s.io/v1 Lease. */
  readonly namespace: string;
  readonly name: string;
  /** Default: hostname + `_` + a random suffix, so two replicas on one host never share an identity. */
  readonly identity?: string;
  /**
   * How long other candidates wait, from when they last saw the lease change, before taking it over. Default
   * 15 s. Written to the Lease in whole seconds, rounded up (never shorter than this leader assumes).
   */
  readonly leaseDurationMs?: number;
  /** A leader that has not renewed for this long stops leading. Default 10 s; must be below leaseDuration. */
  readonly renewDeadlineMs?: number;
  /** Between renewals, and between acquire attempts (jittered). Default 2 s. */
  readonly retryPeriodMs?: number;
  /** Acquire attempts wait retryPeriod × (1 + random × jitterFactor), as client-go's JitterUntil. Default 1.2. */
  readonly jitterFactor?: number;
  /** Clear the holder when run()'s signal aborts, so another candidate takes over at once. Default true. */
  readonly releaseOnCancel?: boolean;
  /** Default: the system clock. */
  readonly clock?: Clock;
  /** Default: silent. */
  readonly logger?: Logger;
  /** When given, `skyway_leader` is 1 while leading. */
  readonly metrics?: Pick<Metrics, 'leader'>;
  /** For the acquire jitter. Default Math.random. */
  readonly random?: () => number;
  /** Called on becoming leader; `signal` aborts when leadership ends. Not awaited: start work and return. */
  onStartedLeading(signal: AbortSignal): void | Promise<void>;
  /**
   * Called once when leadership ends, before the lease could expire for others. When leadership ends by
   * cancel or release() it is awaited before the lease is released, so the work it stops never overlaps the
   * next leader's.
   */
  onStoppedLeading?(): void | Promise<void>;
  /** Called whenever a different holder is observed (including this candidate). */
  onNewLeader?(identity: string): void;
}

type RenewEnd = 'lost' | 'cancelled';

/**
 * A signal that aborts with `parent` or after `ms` on the clock; `clear` cancels the timer and unhooks the parent.
 * (Not AbortSignal.any: this runs every renewal for the life of the process, and the hook must not accumulate.)
 */
function withTimeout(clock: Clock, ms: number, parent?: AbortSignal): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const cancel = clock.setTimer(
    () => controller.abort(new Error(`lease request timed out after ${ms} ms`)),
    ms,
  );
  return {
    signal: controller.signal,
    clear() {
      cancel();
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * Leader election on a Lease, with client-go's algorithm: candidates poll the lease and take it over only when
 * it is free or has not changed for leaseDuration *by their own clock since they saw it change* (never trusting
 * the remote timestamps); writes carry the read resourceVersion, so of two racing candidates one gets a 409.
 * The leader renews every retryPeriod and stops leading when it has not renewed for renewDeadline, which is
 * before any other candidate may consider the lease expired.
 *
 * Stricter than client-go: the renew deadline counts from the start of the last successful renewal (client-go
 * counts from the start of the current round, retryPeriod later), and onStoppedLeading runs before the release.
 */
export class LeaderElector {
  readonly identity: string;
  readonly #client: LeaseClient;
  readonly #leaseDurationMs: number;
  readonly #leaseSeconds: number;
  readonly #renewDeadlineMs: number;
  readonly #retryPeriodMs: number;
  readonly #jitterFactor: number;
  readonly #releaseOnCancel: boolean;
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #metrics: LeaderElectorOptions['metrics'];
  readonly #random: () => number;
  readonly #callbacks: Pick<LeaderElectorOptions, 'onStartedLeading' | 'onStoppedLeading' | 'onNewLeader'>;
  /** Aborted by release(). */
  readonly #cancel = new AbortController();

  /** The last record seen (read or written), the object carrying its resourceVersion, and when it changed. */
  #observed: LeaseRecord | undefined;
  #observedAt = 0;
  #lease: V1Lease | undefined;
  /** When the last successful acquire or renew began: the renew deadline counts from here. */
  #renewedAt = 0;
  #reportedLeader = '';
  #leading = false;
  #releaseRequested = false;
  #running: Promise<void> | undefined;

  constructor(options: LeaderElectorOptions) {
    this.identity = options.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
    this.#leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.#renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.#retryPeriodMs = options.retryPeriodMs ?? 2_000;
    this.#jitterFactor = options.jitterFactor ?? 1.2;
    if (!(this.#retryPeriodMs > 0 && this.#renewDeadlineMs > 0 && this.#jitterFactor >= 0)) {
      throw new RangeError('leader election: durations must be positive');
    }
    if (this.#leaseDurationMs <= this.#renewDeadlineMs) {
      throw new RangeError('leader election: leaseDuration must be greater than renewDeadline');
    }
    if (this.#renewDeadlineMs <= this.#retryPeriodMs * this.#jitterFactor) {
      throw new RangeError('leader election: renewDeadline must be greater than jitterFactor × retryPeriod');
    }
    if (this.identity === '') throw new RangeError('leader election: identity must not be empty');
    this.#leaseSeconds = Math.ceil(this.#leaseDurationMs / 1000);
    this.#releaseOnCancel = options.releaseOnCancel ?? true;
    this.#clock = options.clock ?? systemClock;
    this.#metrics = options.metrics;
    this.#random = options.random ?? Math.random;
    this.#callbacks = options;
    this.#client = new LeaseClient(options.kubeConfig, options.namespace, options.name);
    this.#log = (options.logger ?? silentLogger()).child({
      component: 'leader-election',
      lease: `${options.namespace}/${options.name}`,
      identity: this.identity,
    });
  }

  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed, or undefined when the lease is free or not read yet. */
  getLeader(): string | undefined {
    return this.#observed?.holderIdentity || undefined;
  }

  /**
   * Campaigns until this candidate leads, leads until the lease is lost or `signal` aborts (or release() is
   * called), then resolves. One term per call; call again to campaign again.
   */
  run(signal?: AbortSignal): Promise<void> {
    if (this.#running) throw new Error('leader election: run() is already running');
    const running = this.#run(signal).finally(() => {
      this.#running = undefined;
    });
    this.#running = running;
    return running;
  }

  /** Stops campaigning or leading, and clears the holder if this candidate holds the lease. */
  async release(): Promise<void> {
    this.#releaseRequested = true;
    this.#cancel.abort(new Error('leader election released'));
    await this.#running;
  }

  async #run(outer: AbortSignal | undefined): Promise<void> {
    const signal = outer ? AbortSignal.any([outer, this.#cancel.signal]) : this.#cancel.signal;
    this.#log.info('attempting to acquire the leader lease');
    if (!(await this.#acquire(signal))) return;

    const leading = new AbortController();
    this.#setLeading(true);
    this.#log.info('became leader');
    try {
      void Promise.resolve(this.#callbacks.onStartedLeading(leading.signal)).catch((error: unknown) =>
        this.#log.error({ err: error }, 'onStartedLeading failed'),
      );
    } catch (error) {
      this.#log.error({ err: error }, 'onStartedLeading failed');
    }

    const end = await this.#renewLoop(signal);
    this.#setLeading(false);
    leading.abort(new Error(end === 'lost' ? 'leader lease lost' : 'leader election stopped'));
    if (end === 'lost') this.#log.error('stopped leading: the lease could not be renewed');
    else this.#log.info('stopped leading');
    try {
      await this.#callbacks.onStoppedLeading?.();
    } catch (error) {
      this.#log.error({ err: error }, 'onStoppedLeading failed');
    }
    if (end === 'cancelled' && (this.#releaseOnCancel || this.#releaseRequested)) await this.#release();
  }

  /** Tries until it holds the lease (true) or the signal aborts (false). */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    for (;;) {
      if (signal.aborted) return false;
      if (await this.#tryAcquireOrRenew(signal, this.#renewDeadlineMs)) return true;
      const waitMs = this.#retryPeriodMs * (1 + this.#random() * this.#jitterFactor);
      try {
        await sleep(this.#clock, waitMs, signal);
      } catch {
        return false;
      }
    }
  }

  /** Renews every retryPeriod; ends when a renewal has not succeeded within renewDeadline, or on abort. */
  async #renewLoop(signal: AbortSignal): Promise<RenewEnd> {
    for (;;) {
      try {
        await sleep(this.#clock, this.#retryPeriodMs, signal);
      } catch {
        return 'cancelled';
      }
      const deadline = this.#renewedAt + this.#renewDeadlineMs;
      for (;;) {
        const left = deadline - this.#clock.now();
        if (left <= 0) return 'lost';
        const renewed = await this.#tryAcquireOrRenew(signal, left);
        if (signal.aborted) return 'cancelled';
        if (renewed) break;
        // Someone else holds it (we must have been seen as expired): no point retrying until the deadline.
        if (this.#observed && this.#observed.holderIdentity !== this.identity) return 'lost';
        const wait = Math.min(this.#retryPeriodMs, deadline - this.#clock.now());
        if (wait <= 0) return 'lost';
        try {
          await sleep(this.#clock, wait, signal);
        } catch {
          return 'cancelled';
        }
      }
    }
  }

  async #tryAcquireOrRenew(parent: AbortSignal, timeoutMs: number): Promise<boolean> {
    const { signal, clear } = withTimeout(this.#clock, timeoutMs, parent);
    try {
      return await this.#attempt(signal);
    } finally {
      clear();
    }
  }

  /** client-go's tryAcquireOrRenew: one round of reads and at most two writes. */
  async #attempt(signal: AbortSignal): Promise<boolean> {
    const now = this.#clock.now();
    const fresh: LeaseRecord = {
      holderIdentity: this.identity,
      leaseDurationSeconds: this.#leaseSeconds,
      acquireTime: formatMicroTime(now),
      renewTime: formatMicroTime(now),
      leaseTransitions: 0,
    };

    // 1. The leader renews optimistically with the resourceVersion it last wrote, saving a read per renewal.
    const observed = this.#observed;
    if (this.#lease && observed?.holderIdentity === this.identity && this.#leaseValid(now)) {
      const record = {
        ...fresh,
        acquireTime: observed.acquireTime,
        leaseTransitions: observed.leaseTransitions,
      };
      try {
        this.#observeWrite(await this.#client.replace(this.#lease, specFromRecord(record), signal), now);
        return true;
      } catch (error) {
        if (signal.aborted) return this.#failed(error, 'renew');
        this.#log.debug({ err: error }, 'optimistic renew failed; reading the lease');
      }
    }

    // 2. Read the lease, or create it.
    let current: V1Lease;
    try {
      current = await this.#client.get(signal);
    } catch (error) {
      if (!isNotFound(error)) return this.#failed(error, 'read');
      try {
        this.#observeWrite(await this.#client.create(specFromRecord(fresh), signal), now);
        return true;
      } catch (createError) {
        return this.#failed(createError, 'create');
      }
    }

    // 3. Someone else holds it and we have not seen it unchanged for a lease duration yet.
    const record = this.#observe(current);
    if (record.holderIdentity !== '' && record.holderIdentity !== this.identity && this.#leaseValid(now)) {
      return false;
    }

    // 4. Renew (keeping acquireTime) or take over (counting a transition).
    const next =
      record.holderIdentity === this.identity
        ? { ...fresh, acquireTime: record.acquireTime, leaseTransitions: record.leaseTransitions }
        : { ...fresh, leaseTransitions: record.leaseTransitions + 1 };
    try {
      this.#observeWrite(await this.#client.replace(current, specFromRecord(next), signal), now);
      return true;
    } catch (error) {
      return this.#failed(error, record.holderIdentity === this.identity ? 'renew' : 'take over');
    }
  }

  #failed(error: unknown, what: string): false {
    // A 409 is the optimistic-concurrency loss client-go expects in normal operation, not a fault.
    if (apiStatusCode(error) === 409)
      this.#log.debug(`lease ${what}: conflict, another candidate wrote first`);
    else this.#log.warn({ err: error }, `lease ${what} failed`);
    return false;
  }

  async #release(): Promise<void> {
    const { signal, clear } = withTimeout(this.#clock, this.#renewDeadlineMs);
    try {
      // Re-read: a renewal aborted mid-flight may have moved the resourceVersion on.
      const current = await this.#client.get(signal);
      const record = this.#observe(current);
      if (record.holderIdentity !== this.identity) return;
      const now = formatMicroTime(this.#clock.now());
      const released: LeaseRecord = {
        holderIdentity: '',
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: record.leaseTransitions,
      };
      this.#observe(await this.#client.replace(current, specFromRecord(released), signal));
      this.#log.info('released the leader lease');
    } catch (error) {
      this.#log.warn({ err: error }, 'could not release the lease; others take over when it expires');
    } finally {
      clear();
    }
  }

  #leaseValid(now: number): boolean {
    return (
      this.#observed !== undefined && this.#observedAt + this.#observed.leaseDurationSeconds * 1000 > now
    );
  }

  /** Remembers the lease; restarts the expiry clock only when the record changed (client-go's observedTime). */
  #observe(lease: V1Lease): LeaseRecord {
    const record = recordFromLease(lease);
    this.#lease = lease;
    if (!sameRecord(this.#observed, record)) {
      this.#observed = record;
      this.#observedAt = this.#clock.now();
      this.#reportLeader(record.holderIdentity);
    }
    return record;
  }

  #observeWrite(lease: V1Lease, startedAt: number): void {
    this.#observe(lease);
    this.#observedAt = this.#clock.now();
    this.#renewedAt = startedAt;
  }

  #reportLeader(holder: string): void {
    if (holder === '' || holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    this.#log.info({ leader: holder }, 'new leader observed');
    try {
      this.#callbacks.onNewLeader?.(holder);
    } catch (error) {
      this.#log.error({ err: error }, 'onNewLeader failed');
    }
  }

  #setLeading(leading: boolean): void {
    this.#leading = leading;
    this.#metrics?.leader.set(leading ? 1 : 0);
  }
}
