import { Command, Option } from 'commander';
import { collectPlans } from '../app/plan-once.js';
import { ConfigError } from '../config/load.js';
import { describeAction } from '../plan.js';
import { addRunOptions } from './options.js';
import { setUpControllers } from './setup.js';

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
      const setup = await setUpControllers(options, { logsTo: process.stderr, processMetrics: false });
      const { provider, definitions } = setup;
      const plans = await collectPlans(setup);
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
