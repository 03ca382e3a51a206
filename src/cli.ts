#!/usr/bin/env node
import { Command, CommanderError } from 'commander';
import { demoCommand } from './cli/demo-command.js';
import { planCommand } from './cli/plan-command.js';
import { runCommand } from './cli/run-command.js';
import { ConfigError } from './config/load.js';
import { CredentialsError, errorMessage } from './errors.js';
import { ConfigError as KubeConfigError } from './kube/errors.js';

/** Exit codes: 0 done, 1 runtime failure (credentials, cloud, cluster), 2 bad configuration or usage. */
const EXIT_FAILURE = 1;
const EXIT_USAGE = 2;

function fail(message: string, code: number): void {
  process.stderr.write(`skyway: ${message}\n`);
  process.exitCode = code;
}

const program = new Command('skyway')
  .description('Kubernetes cloud network controller: pod routes, node forwarding and load balancers')
  .version(process.env.npm_package_version ?? '0.1.0')
  .exitOverride()
  .configureOutput({ outputError: (text, write) => write(`skyway: ${text.replace(/^error: /, '')}`) });
for (const command of [runCommand(), planCommand(), demoCommand()]) {
  // addCommand does not pass settings down (only .command() does): one-line errors and exit codes for all.
  program.addCommand(command.copyInheritedSettings(program));
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Commander already printed its one line; help and version are not failures.
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
  } else if (error instanceof ConfigError || error instanceof KubeConfigError) {
    fail(error.message, EXIT_USAGE);
  } else if (error instanceof CredentialsError) {
    fail(error.message, EXIT_FAILURE);
  } else {
    fail(errorMessage(error), EXIT_FAILURE);
    if (process.env.SKYWAY_DEBUG) process.stderr.write(`${(error as Error).stack}\n`);
  }
}
