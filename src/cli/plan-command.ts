import { Command, Option } from 'commander';
import { availableControllerNames, CONTROLLER_DEFINITIONS } from '../../controllers/index.js';
import { collectPlans } from '../app/plan-once.js';
import { createProvider } from '../app/provider-factory.js';
import { ConfigError } from '../config/load.js';
import { loadKubeConfig } from '../kube/kubeconfig.js';
import { createLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ProblemBoard } from '../observability/problem-board.js';
import { describeAction } from '../plan.js';
import { addRunOptions, resolveRunConfig } from './options.js';

function table(rows: readonly (readonly string[])[]): string {
  const widths =
    rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function planCommand(): Command {
  return addRunOptions(
    new Command('plan').description('Print what the controllers would change; changes nothing'),
  )
    .addOption(new Option('--output <format>', 'table or json').default('table'))
    .action(async (options: Record<string, unknown>) => {
      const output = options.output;
      if (output !== 'table' && output !== 'json')
        throw new ConfigError(`--output: must be table or json, got "${output}"`);
      const config = resolveRunConfig(options, availableControllerNames());
      const logger = createLogger({ level: config.logLevel, destination: process.stderr });
      const metrics = createMetrics();
      const kubeConfig = loadKubeConfig(config.kubeconfig ? { kubeconfigPath: config.kubeconfig } : {});
      const problems = new ProblemBoard();
      const provider = createProvider(config, metrics, problems);
      await provider.checkCredentials(AbortSignal.timeout(30_000));
      const definitions = CONTROLLER_DEFINITIONS.filter((definition) =>
        config.controllers.includes(definition.name),
      );
      const plans = await collectPlans({ config, kubeConfig, provider, definitions, logger, metrics });
      provider.close();
      if (output === 'json') {
        process.stdout.write(`${JSON.stringify(plans, null, 2)}\n`);
        return;
      }
      if (definitions.length === 0) {
        process.stdout.write('no controllers enabled: nothing to plan\n');
        return;
      }
      const rows: string[][] = [['CONTROLLER', 'SCOPE', 'ACTION']];
      for (const { controller, plan } of plans) {
        for (const action of plan.actions) rows.push([controller, plan.scope, describeAction(action)]);
        for (const conflict of plan.conflicts)
          rows.push([controller, plan.scope, `conflict ${conflict.id}: ${conflict.message}`]);
      }
      process.stdout.write(
        rows.length === 1 ? 'no changes: the cloud matches the cluster\n' : `${table(rows)}\n`,
      );
    });
}
