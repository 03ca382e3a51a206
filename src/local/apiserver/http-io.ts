import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, unsupportedMediaType } from './api-errors.js';
import type { JsonValue } from './json.js';

/** Reading request bodies and writing JSON replies, with the limits and headers of the real server. */
const MAX_BODY_BYTES = 3 * 1024 * 1024; // kube-apiserver's request size limit

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw badRequest('the request body is too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Decodes a body as JSON, or YAML when the client says so; undefined for an empty body. */
export function decodeBody(text: string, contentType: string): JsonValue | undefined {
  if (text.trim() === '') return undefined;
  if (contentType !== '' && contentType !== 'application/json' && contentType !== 'application/yaml') {
    throw unsupportedMediaType(contentType, ['application/json', 'application/yaml']);
  }
  try {
    if (contentType === 'application/yaml') return parseYaml(text) as JsonValue;
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
}

/** Best-effort decode for fault-injection hooks, which see whatever the client sent. */
export function peekBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}
