import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import type { CloudProvider } from '../../providers/provider.js';
import { ConfigError } from '../config/load.js';
import type { RunConfig } from '../config/schema.js';
import { EventRecorder } from '../kube/event-recorder.js';
import { HealthRegistry } from '../observability/health.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { ProblemBoard } from '../observability/problem-board.js';
import { type ListeningServer, startHealthServer, startMetricsServer } from '../observability/server.js';
import { type Clock, systemClock } from '../runtime/clock.js';
import { Controller } from '../runtime/controller.js';
import { LeaderElector } from '../runtime/leader-election.js';
import { cacheList, createCaches, missingCapabilities } from './caches.js';
import type { ControllerContext, ControllerDefinition } from './controller-definition.js';

export interface ManagerOptions {
  readonly config: RunConfig;
  readonly kubeConfig: KubeConfig;
  readonly provider: CloudProvider;
  /** The controllers to run (already filtered by --controllers). */
  readonly definitions: readonly ControllerDefinition[];
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly clock?: Clock;
  /** Shown as /readyz warnings: the provider's account-wide failures and the controllers' problems. */
  readonly problems?: ProblemBoard;
  /** Leader-election identity and Event reportingInstance; default hostname + random suffix. */
  readonly identity?: string;
}

export interface ManagerOutcome {
  readonly reason: 'lost leadership' | 'stopped';
}

export interface RunningManager {
  readonly metricsUrl: string | undefined;
  readonly healthUrl: string | undefined;
  readonly identity: string;
  /** Resolves when the manager ends on its own: a leader that lost its lease stops reconciling and ends. */
  readonly done: Promise<ManagerOutcome>;
  isLeader(): boolean;
  /** Graceful: in-flight reconciles finish, the lease is released, caches and servers close. Idempotent. */
  stop(): Promise<void>;
}

function providerHas(provider: CloudProvider, capability: ControllerDefinition['requires'][number]): boolean {
  return provider[capability] !== undefined;
}

/**
 * The composition root of `skyway run`: caches for what the enabled controllers use, /metrics and probes, leader
 * election, and the controllers themselves, which run only while this replica leads. Every replica syncs its
 * caches and reports ready, so a failover starts from warm caches.
 */
export async function startManager(options: ManagerOptions): Promise<RunningManager> {
  const { config, kubeConfig, provider, definitions, logger, metrics } = options;
  const clock = options.clock ?? systemClock;
  const identity = options.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
  const missing = missingCapabilities(definitions, (capability) => providerHas(provider, capability));
  if (missing)
    throw new ConfigError(`--controllers: ${missing}, which the ${provider.name} provider does not have yet`);

  const core = kubeConfig.makeApiClient(CoreV1Api);
  const caches = createCaches(kubeConfig, definitions, logger);
  const events = new EventRecorder({ core, component: 'skyway', reportingInstance: identity, logger, clock });
  const health = new HealthRegistry();
  health.addLiveness({ name: 'ping', gatesReadiness: true, check: () => ({ ok: true }) });
  health.addReadiness({
    name: 'informer-sync',
    gatesReadiness: true,
    check: () => {
      const waiting = cacheList(caches)
        .filter((cache) => !cache.hasSynced())
        .map((cache) => cache.resource);
      return waiting.length === 0
        ? { ok: true }
        : { ok: false, detail: `waiting for ${waiting.join(', ') || 'caches'}` };
    },
  });
  const problems = options.problems ?? new ProblemBoard();
  health.addReadiness({
    name: 'cloud-and-controllers',
    gatesReadiness: false,
    check: () => problems.check(),
  });

  const servers: ListeningServer[] = [];
  if (config.metricsAddr) servers.push(await startMetricsServer(config.metricsAddr, metrics));
  const metricsUrl = config.metricsAddr ? servers[0]?.url : undefined;
  let healthUrl: string | undefined;
  if (config.healthAddr) {
    const server = await startHealthServer(config.healthAddr, health);
    servers.push(server);
    healthUrl = server.url;
  }
  logger.info({ metrics: metricsUrl ?? 'off', health: healthUrl ?? 'off', identity }, 'serving');

  await Promise.all(cacheList(caches).map((cache) => cache.start()));
  logger.info({ caches: cacheList(caches).map((cache) => cache.resource) }, 'caches synced');

  const context: ControllerContext = {
    config,
    caches,
    provider,
    core,
    events,
    logger,
    metrics,
    clock,
    problems,
  };
  const controllers = definitions.map((definition) => {
    const parts = definition.create(context);
    const controller = new Controller({
      reconciler: parts.reconciler,
      concurrency: config.concurrency,
      resyncPeriodMs: config.resyncPeriod,
      metrics,
      logger,
      clock,
    });
    for (const watch of parts.watches) {
      const cache = caches[watch.cache];
      if (!cache)
        throw new Error(`controller ${definition.name} watches ${watch.cache}, which it does not inform on`);
      controller.watch(cache, watch.toKeys, {
        ...(watch.coalesceMs === undefined ? {} : { coalesceMs: watch.coalesceMs }),
        ...(watch.updateMatters ? { updateMatters: watch.updateMatters } : {}),
      });
    }
    return controller;
  });

  let leading = false;
  let controllersStopped: Promise<void> | undefined;
  let resolveDone: (outcome: ManagerOutcome) => void = () => undefined;
  const done = new Promise<ManagerOutcome>((resolve) => {
    resolveDone = resolve;
  });
  const startControllers = (signal: AbortSignal) => {
    leading = true;
    logger.info(
      { identity, controllers: definitions.map((definition) => definition.name) },
      'started leading',
    );
    for (const controller of controllers) controller.start(signal);
  };
  // After a lost lease, in-flight reconciles get only part of the time left before another replica may take
  // over (leaseDuration - renewDeadline), then their signals abort; a graceful stop drains for the default 30 s.
  const lostLeaseDrainMs = Math.max(
    0,
    Math.floor((config.leaderElectLeaseDuration - config.leaderElectRenewDeadline) / 2),
  );
  const stopControllers = (drainTimeoutMs?: number) => {
    controllersStopped ??= Promise.all(
      controllers.map((controller) =>
        controller.stop(drainTimeoutMs === undefined ? {} : { drainTimeoutMs }),
      ),
    ).then(() => undefined);
    return controllersStopped;
  };

  const runAbort = new AbortController();
  let elector: LeaderElector | undefined;
  if (config.leaderElect) {
    elector = new LeaderElector({
      kubeConfig,
      namespace: config.leaderElectNamespace,
      name: config.leaderElectName,
      identity,
      leaseDurationMs: config.leaderElectLeaseDuration,
      renewDeadlineMs: config.leaderElectRenewDeadline,
      retryPeriodMs: config.leaderElectRetryPeriod,
      clock,
      logger,
      metrics,
      onStartedLeading: startControllers,
      onStoppedLeading: () => {
        const wasLeading = leading;
        leading = false;
        void stopControllers(lostLeaseDrainMs).then(() => {
          if (wasLeading && !runAbort.signal.aborted) {
            logger.error({ identity }, 'lost leadership: stopped reconciling');
            resolveDone({ reason: 'lost leadership' });
          }
        });
      },
    });
    void elector.run(runAbort.signal);
  } else {
    // Without an elector nobody else sets the gauge: this replica always leads.
    metrics.leader.set(1);
    startControllers(runAbort.signal);
  }

  let stopping: Promise<void> | undefined;
  return {
    metricsUrl,
    healthUrl,
    identity,
    done,
    isLeader: () => leading,
    stop() {
      stopping ??= (async () => {
        await stopControllers();
        leading = false;
        if (elector) await elector.release();
        else metrics.leader.set(0);
        runAbort.abort(new Error('manager stopped'));
        for (const cache of cacheList(caches)) cache.stop();
        await events.flush();
        await Promise.all(servers.map((server) => server.close()));
        resolveDone({ reason: 'stopped' });
      })();
      return stopping;
    },
  };
}
