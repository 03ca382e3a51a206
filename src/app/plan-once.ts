import { CoreV1Api } from '@kubernetes/client-node';
import { ProblemBoard } from '../observability/problem-board.js';
import type { Plan } from '../plan.js';
import { systemClock } from '../runtime/clock.js';
import { cacheList, createCaches } from './caches.js';
import type { EventSink } from './controller-definition.js';
import type { ManagerOptions } from './manager.js';

export type PlanOnceOptions = Pick<
  ManagerOptions,
  'config' | 'kubeConfig' | 'provider' | 'definitions' | 'logger' | 'metrics'
>;

/** `skyway plan`: sync the caches once, then one observe + plan pass per controller. Nothing is written. */
export async function collectPlans(
  options: PlanOnceOptions,
): Promise<readonly { readonly controller: string; readonly plan: Plan }[]> {
  const { config, kubeConfig, provider, definitions, logger, metrics } = options;
  const caches = createCaches(kubeConfig, definitions, logger);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const events: EventSink = { event: () => undefined };
  const problems = new ProblemBoard();
  try {
    await Promise.all(cacheList(caches).map((cache) => cache.start()));
    const signal = AbortSignal.timeout(120_000);
    const results: { controller: string; plan: Plan }[] = [];
    for (const definition of definitions) {
      const parts = definition.create({
        config,
        caches,
        provider,
        core,
        events,
        logger,
        metrics,
        clock: systemClock,
        problems,
      });
      for (const plan of await parts.planAll(signal)) results.push({ controller: definition.name, plan });
    }
    return results;
  } finally {
    for (const cache of cacheList(caches)) cache.stop();
  }
}
