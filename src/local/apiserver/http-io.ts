import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse as parseYaml } from 'yaml';
import { badRequest, unsupportedMediaType } from './api-errors.js';
import type { JsonValue } from './json.js';
import { decodeProtobufBody, PROTOBUF_CONTENT_TYPE } from './protobuf-kinds.js';

/** Reading request bodies and writing JSON replies, with the limits and headers of the real server. */
const MAX_BODY_BYTES = 3 * 1024 * 1024; // kube-apiserver's request size limit

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw badRequest('the request body is too large');
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type without parameters, lower-cased: `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Decodes a body as JSON, YAML or Kubernetes protobuf, by its Content-Type; undefined for an empty body. */
export function decodeBody(body: Buffer, contentType: string): JsonValue | undefined {
  if (contentType === PROTOBUF_CONTENT_TYPE && body.length > 0) return decodeProtobufBody(body);
  const text = body.toString('utf8');
  if (text.trim() === '') return undefined;
  if (contentType !== '' && contentType !== 'application/json' && contentType !== 'application/yaml') {
    throw unsupportedMediaType(contentType, ['application/json', 'application/yaml', PROTOBUF_CONTENT_TYPE]);
  }
  try {
    if (contentType === 'application/yaml') return parseYaml(text) as JsonValue;
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(`the body of the request could not be decoded: ${(error as Error).message}`);
  }
}

/** Best-effort decode for fault-injection hooks, which see whatever the client sent. */
export function peekBody(body: Buffer): unknown {
  const text = body.toString('utf8');
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
