import { type Command, Option } from 'commander';
import { loadRunConfig } from '../config/load.js';
import { envName, RUN_OPTIONS } from '../config/options.js';
import type { RunConfig } from '../config/schema.js';

/** Adds every RUN_OPTIONS flag (plus --config) to a command; defaults are applied later by the schema. */
export function addRunOptions(command: Command): Command {
  for (const spec of RUN_OPTIONS) {
    const value = spec.valueName === 'true|false' ? `[${spec.valueName}]` : `<${spec.valueName}>`;
    const defaultText = spec.defaultText ? ` (default: ${spec.defaultText})` : '';
    command.addOption(
      new Option(`--${spec.flag} ${value}`, `${spec.description}${defaultText} [env ${envName(spec.flag)}]`),
    );
  }
  command.addOption(
    new Option('--config <file>', 'YAML file with the same options, camelCase keys [env SKYWAY_CONFIG]'),
  );
  return command;
}

/** Reads the parsed flags of a command and layers them over the config file and SKYWAY_* env. */
export function resolveRunConfig(
  options: Readonly<Record<string, unknown>>,
  availableControllers: readonly string[],
): RunConfig {
  const flags: Record<string, unknown> = {};
  for (const spec of RUN_OPTIONS) {
    const value = options[spec.key];
    if (value !== undefined) flags[spec.key] = value;
  }
  const configFile = (options.config as string | undefined) ?? process.env.SKYWAY_CONFIG;
  return loadRunConfig({
    flags,
    env: process.env,
    availableControllers,
    ...(configFile ? { configFile } : {}),
  });
}
