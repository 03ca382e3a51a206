import { Command } from 'commander';
import { startManager } from '../app/manager.js';
import { addRunOptions } from './options.js';
import { setUpControllers } from './setup.js';
import { waitForStopSignal } from './signals.js';

/** Exit code of a replica that lost its lease: like kube-controller-manager, it exits and lets Kubernetes restart it. */
export const EXIT_LOST_LEADERSHIP = 3;

export function runCommand(): Command {
  return addRunOptions(
    new Command('run').description('Run the controllers against a cluster and a cloud'),
  ).action(async (options: Record<string, unknown>) => {
    const setup = await setUpControllers(options, { logsTo: process.stdout, processMetrics: true });
    const { logger, provider } = setup;
    const manager = await startManager(setup);
    const stop = waitForStopSignal();
    const outcome = await Promise.race([stop.stopped.then((signal) => ({ reason: signal })), manager.done]);
    logger.info({ reason: outcome.reason }, 'shutting down');
    await manager.stop();
    provider.close();
    if (outcome.reason === 'lost leadership') process.exitCode = EXIT_LOST_LEADERSHIP;
  });
}
