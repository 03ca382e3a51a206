import { request } from 'node:https';
import type { LocalApiServer } from '../../src/local/apiserver/index.js';

/**
 * Raw HTTPS requests against the local API server, for the wire-level details (status codes, Status bodies,
 * watch framing) that typed clients hide. TLS is verified against the server's CA, as a real client would.
 */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json<T = Record<string, unknown>>(): T;
}

export interface RawRequestOptions {
  readonly method?: string;
  readonly body?: unknown;
  readonly contentType?: string;
  readonly token?: string | null;
  readonly accept?: string;
}

export function rawRequest(
  server: LocalApiServer,
  path: string,
  options: RawRequestOptions = {},
): Promise<RawResponse> {
  const url = new URL(path, server.url);
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  const token = options.token === undefined ? server.token : options.token;
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? 'GET',
        ca: server.caPem,
        headers: {
          ...(token !== null ? { Authorization: `Bearer ${token}` } : {}),
          ...(body !== undefined
            ? {
                'Content-Type': options.contentType ?? 'application/json',
                'Content-Length': Buffer.byteLength(body),
              }
            : {}),
          ...(options.accept ? { Accept: options.accept } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

export interface WatchEvent {
  readonly type: string;
  readonly object: Record<string, unknown> & { metadata?: Record<string, unknown> };
}

/** An open watch stream: events as they arrive, and whether the server ended it. */
export interface RawWatch {
  readonly events: WatchEvent[];
  readonly status: Promise<number>;
  ended(): boolean;
  close(): void;
}

export function rawWatch(server: LocalApiServer, path: string): RawWatch {
  const events: WatchEvent[] = [];
  let done = false;
  let buffered = '';
  let resolveStatus: (status: number) => void = () => undefined;
  const status = new Promise<number>((resolve) => {
    resolveStatus = resolve;
  });
  const req = request(
    new URL(path, server.url),
    { ca: server.caPem, headers: { Authorization: `Bearer ${server.token}` } },
    (res) => {
      resolveStatus(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let newline = buffered.indexOf('\n');
        while (newline >= 0) {
          const line = buffered.slice(0, newline).trim();
          buffered = buffered.slice(newline + 1);
          if (line) events.push(JSON.parse(line) as WatchEvent);
          newline = buffered.indexOf('\n');
        }
      });
      res.on('end', () => {
        done = true;
      });
      res.on('close', () => {
        done = true;
      });
    },
  );
  req.on('error', () => {
    done = true;
  });
  req.end();
  return {
    events,
    status,
    ended: () => done,
    close: () => req.destroy(),
  };
}
