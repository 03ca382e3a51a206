import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ListenAddress } from '../config/schema.js';
import { errorMessage } from '../errors.js';
import type { HealthRegistry } from './health.js';
import type { Metrics } from './metrics.js';

export interface ListeningServer {
  /** The bound address, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, response: ServerResponse) => Promise<void> | void;

async function listen(address: ListenAddress, handler: Handler): Promise<ListeningServer> {
  const server: Server = createServer((request, response) => {
    Promise.resolve(handler(request, response)).catch((error: unknown) => {
      response.statusCode = 500;
      response.end(`${errorMessage(error)}\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  const bound = server.address();
  const port = typeof bound === 'object' && bound ? bound.port : address.port;
  const host = address.host === '0.0.0.0' ? '127.0.0.1' : address.host;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://localhost').pathname;
}

function notFound(response: ServerResponse): void {
  response.statusCode = 404;
  response.end('not found\n');
}

/** `/metrics` on its own listener, as controller-runtime does, so scraping never shares a port with probes. */
export function startMetricsServer(address: ListenAddress, metrics: Metrics): Promise<ListeningServer> {
  return listen(address, async (request, response) => {
    if (pathOf(request) !== '/metrics') return notFound(response);
    response.setHeader('content-type', metrics.registry.contentType);
    response.end(await metrics.registry.metrics());
  });
}

/** `/healthz` (the process works) and `/readyz` (caches synced; cloud trouble shown as warnings). */
export function startHealthServer(address: ListenAddress, health: HealthRegistry): Promise<ListeningServer> {
  return listen(address, (request, response) => {
    const path = pathOf(request);
    const report =
      path === '/healthz' ? health.liveness() : path === '/readyz' ? health.readiness() : undefined;
    if (!report) return notFound(response);
    response.statusCode = report.ok ? 200 : 503;
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.end(report.text);
  });
}
