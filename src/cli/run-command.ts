import { Command } from 'commander';
import { availableControllerNames, CONTROLLER_DEFINITIONS } from '../../controllers/index.js';
import { startManager } from '../app/manager.js';
import { createProvider } from '../app/provider-factory.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ProblemBoard } from '../observability/problem-board.js';
import { addRunOptions, resolveRunConfig } from './options.js';
import { waitForStopSignal } from './signals.js';

/** Exit code of a replica that lost its lease: like kube-controller-manager, it exits and lets Kubernetes restart it. */
export const EXIT_LOST_LEADERSHIP = 3;

export function runCommand(): Command {
  return addRunOptions(
    new Command('run').description('Run the controllers against a cluster and a cloud'),
  ).action(async (options: Record<string, unknown>) => {
    const config = resolveRunConfig(options, availableControllerNames());
    const logger = createLogger({ level: config.logLevel });
    const metrics = createMetrics({ processMetrics: true });
    const kubeConfig = loadKubeConfig(config.kubeconfig ? { kubeconfigPath: config.kubeconfig } : {});
    const problems = new ProblemBoard();
    const provider = createProvider(config, metrics, problems);
    await provider.checkCredentials(AbortSignal.timeout(30_000));
    const definitions = CONTROLLER_DEFINITIONS.filter((definition) =>
      config.controllers.includes(definition.name),
    );
    const manager = await startManager({
      config,
      kubeConfig,
      provider,
      definitions,
      logger,
      metrics,
      problems,
    });
    const stop = waitForStopSignal();
    const outcome = await Promise.race([stop.stopped.then((signal) => ({ reason: signal })), manager.done]);
    logger.info({ reason: outcome.reason }, 'shutting down');
    await manager.stop();
    provider.close();
    if (outcome.reason === 'lost leadership') process.exitCode = EXIT_LOST_LEADERSHIP;
  });
}
