import type { KubeConfig } from '@kubernetes/client-node';
import { availableControllerNames, CONTROLLER_DEFINITIONS } from '../../controllers/index.js';
import type { CloudProvider } from '../../providers/provider.js';
import type { ControllerDefinition } from '../app/controller-definition.js';
import { createProvider } from '../app/provider-factory.js';
import type { RunConfig } from '../config/schema.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { createMetrics, type Metrics } from '../observability/metrics.js';
import { ProblemBoard } from '../observability/problem-board.js';
import { resolveRunConfig } from './options.js';

export interface ControllerSetup {
  readonly config: RunConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly kubeConfig: KubeConfig;
  readonly problems: ProblemBoard;
  readonly provider: CloudProvider;
  readonly definitions: readonly ControllerDefinition[];
}

/**
 * What `run` and `plan` share: config (exit 2 on a bad flag), logger, metrics, kubeconfig, and the cloud provider
 * with its credentials checked up front, so a missing identity is one line at start and not a retry loop later.
 */
export async function setUpControllers(
  options: Readonly<Record<string, unknown>>,
  output: { readonly logsTo: NodeJS.WritableStream; readonly processMetrics: boolean },
): Promise<ControllerSetup> {
  const config = resolveRunConfig(options, availableControllerNames());
  const logger = createLogger({ level: config.logLevel, destination: output.logsTo });
  const metrics = createMetrics({ processMetrics: output.processMetrics });
  const kubeConfig = loadKubeConfig(config.kubeconfig ? { kubeconfigPath: config.kubeconfig } : {});
  const problems = new ProblemBoard();
  const provider = createProvider(config, metrics, problems);
  await provider.checkCredentials(AbortSignal.timeout(30_000));
  const definitions = CONTROLLER_DEFINITIONS.filter((definition) =>
    config.controllers.includes(definition.name),
  );
  return { config, logger, metrics, kubeConfig, problems, provider, definitions };
}
