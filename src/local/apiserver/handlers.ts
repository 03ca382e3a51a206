import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ApiError,
  badRequest,
  internalError,
  methodNotAllowed,
  pathNotFound,
  unauthorized,
} from './api-errors.js';
import { discoveryDocument } from './discovery.js';
import { decodeBody, mediaType, peekBody, readBody, sendJson } from './http-io.js';
import type { JsonObject, JsonValue } from './json.js';
import { buildMatcher } from './matcher.js';
import { metaOf } from './object-meta.js';
import { openApiDocument } from './openapi.js';
import type { ListOptions, Registry, Subresource, WriteOptions } from './registry.js';
import { deleteSuccessBody, listBody } from './responses.js';
import type { ResourceRoute } from './router.js';
import { parseResourcePath } from './router.js';
import { parseIncludeObject, toTable, wantsTable } from './table.js';
import type { WatchHub } from './watch.js';

/**
 * The HTTP front of the server: bearer-token authentication, the test fault-injection hooks, discovery,
 * and the REST verbs on resource paths, each answered as kube-apiserver answers it.
 */
const APPLY_PATCH = 'application/apply-patch+yaml';

export interface InterceptRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}
export interface InterceptResponse {
  readonly status: number;
  readonly body: unknown;
}
export type Interceptor = (
  request: InterceptRequest,
) => Promise<InterceptResponse | undefined> | InterceptResponse | undefined;

export interface HandlerContext {
  readonly registry: Registry;
  readonly now: () => number;
  readonly watches: WatchHub;
  readonly token: string;
  readonly interceptors: ReadonlySet<Interceptor>;
  serverAddress(): string;
}

export async function handleRequest(context: HandlerContext, req: IncomingMessage, res: ServerResponse) {
  try {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    if (!authorized(req.headers.authorization, context.token)) throw unauthorized();
    const body = await readBody(req);
    for (const interceptor of context.interceptors) {
      const reply = await interceptor({
        method,
        path: url.pathname,
        query: url.searchParams,
        body: peekBody(body),
      });
      if (reply) {
        sendJson(res, reply.status, reply.body);
        return;
      }
    }
    const contentType = mediaType(req.headers['content-type']);
    await route(context, { accept: req.headers.accept, method, url, body, contentType }, res);
  } catch (error) {
    const apiError =
      error instanceof ApiError ? error : internalError((error as Error).message ?? String(error));
    if (res.headersSent) {
      res.end();
      return;
    }
    sendJson(res, apiError.status, apiError.body);
  }
}

function authorized(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]!.trim());
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface ParsedRequest {
  readonly accept: string | undefined;
  readonly method: string;
  readonly url: URL;
  readonly body: Buffer;
  readonly contentType: string;
}

async function route(context: HandlerContext, request: ParsedRequest, res: ServerResponse): Promise<void> {
  const path = request.url.pathname;
  if (request.method === 'GET') {
    if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      sendJson(res, 200, 'ok');
      return;
    }
    const discovery = discoveryDocument(path, context.serverAddress());
    if (discovery) {
      sendJson(res, 200, discovery);
      return;
    }
    const openApi = openApiDocument(path);
    if (openApi) {
      sendJson(res, 200, openApi);
      return;
    }
  }
  const target = parseResourcePath(path);
  if (!target) throw pathNotFound();
  handleResource(context, target, request, res);
}

function handleResource(
  context: HandlerContext,
  target: ResourceRoute,
  request: ParsedRequest,
  res: ServerResponse,
) {
  const { registry } = context;
  const { resource, name } = target;
  const namespace = target.namespace ?? '';
  const query = request.url.searchParams;
  const subresource = target.subresource as Subresource;
  const write: WriteOptions = { dryRun: query.getAll('dryRun').length > 0 };
  const table = wantsTable(request.accept);
  const include = parseIncludeObject(query.get('includeObject'));
  const asTable = (objects: JsonObject[], metadata: JsonObject, withHeaders = true) => {
    const converted = toTable(resource, objects, metadata, include, context.now());
    if (!withHeaders) converted.columnDefinitions = [];
    return converted;
  };

  if (name === undefined) {
    switch (request.method) {
      case 'GET': {
        if (isTrue(query.get('watch'))) {
          context.watches.serve(
            {
              resource,
              namespace: target.namespace,
              matches: buildMatcher(
                resource,
                query.get('labelSelector') ?? '',
                query.get('fieldSelector') ?? '',
              ),
              resourceVersion: parseResourceVersion(query.get('resourceVersion')),
              timeoutSeconds: parseNumber(query.get('timeoutSeconds'), 'timeoutSeconds'),
              allowBookmarks: isTrue(query.get('allowWatchBookmarks')),
              sendInitialEvents: isTrue(query.get('sendInitialEvents')),
              ...(table ? { encode: (obj: JsonObject, first: boolean) => asTable([obj], {}, first) } : {}),
            },
            res,
          );
          return;
        }
        const result = registry.list(resource, target.namespace, listOptions(query));
        const body = listBody(resource, result);
        sendJson(res, 200, table ? asTable(result.items, body.metadata as JsonObject) : body);
        return;
      }
      case 'POST': {
        if (target.namespace === undefined && resource.namespaced) throw methodNotAllowed();
        const created = registry.create(resource, namespace, decode(request), write);
        sendJson(res, 201, created);
        return;
      }
      case 'DELETE': {
        if (target.namespace === undefined && resource.namespaced) throw methodNotAllowed();
        const deleted = registry.deleteCollection(resource, target.namespace, listOptions(query), write);
        sendJson(res, 200, listBody(resource, { items: deleted, resourceVersion: '' }));
        return;
      }
      default:
        throw methodNotAllowed();
    }
  }

  switch (request.method) {
    case 'GET': {
      const found = registry.get(resource, namespace, name);
      sendJson(
        res,
        200,
        table ? asTable([found], { resourceVersion: String(metaOf(found).resourceVersion) }) : found,
      );
      return;
    }
    case 'PUT': {
      const { object, created } = registry.update(
        resource,
        namespace,
        name,
        decode(request),
        subresource,
        write,
      );
      sendJson(res, created ? 201 : 200, object);
      return;
    }
    case 'PATCH': {
      if (request.contentType === APPLY_PATCH) {
        const applied = registry.apply(
          resource,
          namespace,
          name,
          decodeBody(request.body, 'application/yaml'),
          subresource,
          {
            ...write,
            fieldManager: query.get('fieldManager') ?? '',
          },
        );
        sendJson(res, applied.created ? 201 : 200, applied.object);
        return;
      }
      const patch = decodeBody(request.body, 'application/json');
      if (patch === undefined) throw badRequest('the body of the request was empty');
      const patched = registry.patch(
        resource,
        namespace,
        name,
        request.contentType,
        patch,
        subresource,
        write,
      );
      sendJson(res, 200, patched);
      return;
    }
    case 'DELETE': {
      if (subresource !== undefined) throw methodNotAllowed();
      const { object, deleted } = registry.delete(
        resource,
        namespace,
        name,
        decodeDeleteOptions(request),
        write,
      );
      const body = deleted && !resource.returnDeletedObject ? deleteSuccessBody(resource, object) : object;
      sendJson(res, 200, body);
      return;
    }
    default:
      throw methodNotAllowed();
  }
}

function decode(request: ParsedRequest): JsonValue | undefined {
  return decodeBody(request.body, request.contentType);
}

/** DeleteOptions, when a body is sent (kubectl sends JSON; typed clients may send protobuf, ignored here). */
function decodeDeleteOptions(request: ParsedRequest): JsonValue | undefined {
  if (request.contentType !== '' && request.contentType !== 'application/json') return undefined;
  return decodeBody(request.body, request.contentType);
}

function listOptions(query: URLSearchParams): ListOptions {
  const limit = parseNumber(query.get('limit'), 'limit');
  const continueToken = query.get('continue');
  const exact =
    query.get('resourceVersionMatch') === 'Exact'
      ? parseResourceVersion(query.get('resourceVersion'))
      : undefined;
  return {
    ...(exact !== undefined ? { exactResourceVersion: exact } : {}),
    labelSelector: query.get('labelSelector') ?? '',
    fieldSelector: query.get('fieldSelector') ?? '',
    ...(limit !== undefined ? { limit } : {}),
    ...(continueToken ? { continueToken } : {}),
  };
}

function isTrue(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function parseNumber(value: string | null, name: string): number | undefined {
  if (value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw badRequest(`invalid ${name}: ${value}`);
  return parsed;
}

/** "" and "0" both mean "any version" to a watch: start with the current state. */
function parseResourceVersion(value: string | null): number | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  if (!/^\d+$/.test(value)) {
    throw new ApiError(
      400,
      'BadRequest',
      `resourceVersion: Invalid value: "${value}": strconv.ParseUint: parsing "${value}": invalid syntax`,
    );
  }
  return Number(value);
}
