import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The built CLI: e2e tests drive what users run, so `npm test` builds before it tests. */
export const CLI_PATH = fileURLToPath(new URL('../../dist/src/cli.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH))
    throw new Error(`${CLI_PATH} is missing: run npm run build first (npm test does)`);
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `skyway ARGS` with the Node running the tests (Node 24 from the devDependency). */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  timeoutMs = 30_000,
): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_PATH, ...args], { env, timeout: timeoutMs }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ChildProcess {
  return spawn(process.execPath, [CLI_PATH, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The environment without any cloud identity, so credential checks fail the way they do on a bare machine. */
export function envWithoutCloudIdentity(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|GOOGLE_|CLOUDSDK_|SKYWAY_|KUBECONFIG$)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    HOME: home,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: `${home}/none`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/none`,
  };
}
