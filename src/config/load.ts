import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { ZodError } from 'zod';
import { envName, type OptionSpec, RUN_OPTIONS } from './options.js';
import { type RunConfig, runConfigSchema } from './schema.js';

/** A configuration problem: one line naming the flag, exit code 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface ConfigSources {
  /** Values given on the command line, by config key. */
  readonly flags: Readonly<Record<string, unknown>>;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `--config FILE`: YAML with the same keys as the flags, camelCase. */
  readonly configFile?: string;
  readonly availableControllers: readonly string[];
}

function flagOf(key: string | undefined): string {
  const spec = RUN_OPTIONS.find((option) => option.key === key);
  return spec ? `--${spec.flag}` : key ? `config key "${key}"` : 'configuration';
}

function firstIssue(error: ZodError): string {
  // A misspelt key explains the "required" issue it usually causes, so it is reported first.
  const issue = error.issues.find((candidate) => candidate.code === 'unrecognized_keys') ?? error.issues[0];
  if (!issue) return 'configuration: invalid';
  const key = issue.path[0];
  if (issue.code === 'unrecognized_keys') return `--config: unknown key(s) ${issue.keys.join(', ')}`;
  const message = issue.code === 'invalid_type' && issue.input === undefined ? 'required' : issue.message;
  return `${flagOf(typeof key === 'string' ? key : undefined)}: ${message}`;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(
      `--config: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`--config: ${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`--config: ${path} must hold a mapping of option names to values`);
  }
  return parsed as Record<string, unknown>;
}

function fromEnv(env: ConfigSources['env'], specs: readonly OptionSpec[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const spec of specs) {
    const value = env[envName(spec.flag)];
    if (value !== undefined && value !== '') values[spec.key] = value;
  }
  return values;
}

/** Layers defaults < config file < SKYWAY_* env < flags, then validates everything at once. */
export function loadRunConfig(sources: ConfigSources): RunConfig {
  const file = sources.configFile ? readConfigFile(sources.configFile) : {};
  const env = fromEnv(sources.env, RUN_OPTIONS);
  const region = sources.env.AWS_REGION || sources.env.AWS_DEFAULT_REGION;
  const merged: Record<string, unknown> = { ...file, ...env, ...sources.flags };
  if (merged.region === undefined && merged.provider === 'aws' && region) merged.region = region;
  if (merged.leaderElectNamespace === undefined && sources.env.POD_NAMESPACE) {
    merged.leaderElectNamespace = sources.env.POD_NAMESPACE;
  }
  if (typeof merged.clusterCidr === 'string')
    merged.clusterCidr = merged.clusterCidr.split(',').map((s) => s.trim());
  const result = runConfigSchema(sources.availableControllers).safeParse(merged);
  if (!result.success) throw new ConfigError(firstIssue(result.error));
  return result.data;
}
