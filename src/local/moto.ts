import { type ChildProcess, spawn } from 'node:child_process';
import { findFreePort } from './free-port.js';

export interface MotoServer {
  /** `http://127.0.0.1:PORT`, the value for AWS_ENDPOINT_URL. */
  readonly endpoint: string;
  /** Clears all emulated AWS state (`POST /moto-api/reset`). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export interface MotoServerOptions {
  /** The executable; default `moto_server` from PATH (`pip install "moto[server]"`). */
  readonly command?: string;
  readonly host?: string;
  readonly port?: number;
  readonly startTimeoutMs?: number;
}

export class MotoNotFoundError extends Error {
  override readonly name = 'MotoNotFoundError';
}

async function isReady(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/data.json`);
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts moto_server (the AWS engine behind LocalStack) on a free loopback port and waits until it answers. */
export async function startMotoServer(options: MotoServerOptions = {}): Promise<MotoServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? (await findFreePort(host));
  const endpoint = `http://${host}:${port}`;
  const child = spawn(options.command ?? 'moto_server', ['-H', host, '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'ENOENT'
          ? new MotoNotFoundError('moto_server is not on PATH: install it with pip install "moto[server]"')
          : error,
      ),
    );
    child.once('exit', (code) => reject(new Error(`moto_server exited with code ${code}: ${stderr.trim()}`)));
  });
  spawnFailure.catch(() => undefined);
  const deadline = Date.now() + (options.startTimeoutMs ?? 20_000);
  for (;;) {
    const ready = await Promise.race([isReady(endpoint), spawnFailure]);
    if (ready) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`moto_server did not answer on ${endpoint} within its start timeout: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.removeAllListeners('exit');
  return {
    endpoint,
    async reset() {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
      await response.arrayBuffer();
    },
    stop: () => stopChild(child),
  };
}
