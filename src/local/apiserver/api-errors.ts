import type { JsonObject } from './json.js';
import type { ResourceType } from './resources.js';
import { qualifiedKind, qualifiedResource } from './resources.js';

/**
 * Errors as kube-apiserver reports them: a metav1.Status body with the same reason, code, message and
 * details, so clients that branch on `reason` (or print `message`, as kubectl does) behave as they would
 * against a real cluster.
 */
export class ApiError extends Error {
  readonly status: number;
  readonly body: JsonObject;
  constructor(status: number, reason: string, message: string, details?: JsonObject) {
    super(message);
    this.status = status;
    this.body = statusBody(status, reason, message, details);
  }
}

export function statusBody(code: number, reason: string, message: string, details?: JsonObject): JsonObject {
  const body: JsonObject = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
  };
  if (details) body.details = details;
  body.code = code;
  return body;
}

function resourceDetails(resource: ResourceType, name: string): JsonObject {
  const details: JsonObject = { name };
  if (resource.group) details.group = resource.group;
  details.kind = resource.plural;
  return details;
}

export function notFound(resource: ResourceType, name: string): ApiError {
  return new ApiError(
    404,
    'NotFound',
    `${qualifiedResource(resource)} "${name}" not found`,
    resourceDetails(resource, name),
  );
}

export function alreadyExists(resource: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    'AlreadyExists',
    `${qualifiedResource(resource)} "${name}" already exists`,
    resourceDetails(resource, name),
  );
}

export function conflict(resource: ResourceType, name: string, why: string): ApiError {
  return new ApiError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(resource)} "${name}": ${why}`,
    resourceDetails(resource, name),
  );
}

export const STALE_OBJECT_MESSAGE =
  'the object has been modified; please apply your changes to the latest version and try again';

/** One field error, as apimachinery's field.Error renders it. */
export interface FieldCause {
  readonly reason:
    | 'FieldValueRequired'
    | 'FieldValueInvalid'
    | 'FieldValueForbidden'
    | 'FieldValueDuplicate'
    | 'FieldValueNotSupported'
    | 'FieldValueTooLong';
  readonly field: string;
  readonly message: string;
}

export function required(field: string, detail = ''): FieldCause {
  return {
    reason: 'FieldValueRequired',
    field,
    message: detail ? `Required value: ${detail}` : 'Required value',
  };
}

export function invalidValue(field: string, value: unknown, detail: string): FieldCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${renderValue(value)}: ${detail}` };
}

export function forbidden(field: string, detail: string): FieldCause {
  return { reason: 'FieldValueForbidden', field, message: `Forbidden: ${detail}` };
}

export function duplicate(field: string, value: unknown): FieldCause {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${renderValue(value)}` };
}

export function notSupported(field: string, value: unknown, supported: readonly string[]): FieldCause {
  const list = supported.map((s) => `"${s}"`).join(', ');
  return {
    reason: 'FieldValueNotSupported',
    field,
    message: `Unsupported value: ${renderValue(value)}: supported values: ${list}`,
  };
}

// field.Error renders values with Go's %#v: strings quoted, numbers bare, []string{"a", "b"}.
function renderValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return `[]string{${value.map((item) => JSON.stringify(item)).join(', ')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function invalid(resource: ResourceType, name: string, causes: readonly FieldCause[]): ApiError {
  const rendered = causes.map((c) => `${c.field}: ${c.message}`);
  const summary = rendered.length === 1 ? rendered[0] : `[${rendered.join(', ')}]`;
  const details: JsonObject = { name };
  if (resource.group) details.group = resource.group;
  details.kind = resource.kind;
  details.causes = causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field }));
  return new ApiError(422, 'Invalid', `${qualifiedKind(resource)} "${name}" is invalid: ${summary}`, details);
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

export function methodNotAllowed(): ApiError {
  return new ApiError(
    405,
    'MethodNotAllowed',
    'the server does not allow this method on the requested resource',
  );
}

export function pathNotFound(): ApiError {
  return new ApiError(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function unsupportedMediaType(contentType: string, accepted: readonly string[]): ApiError {
  return new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    { causes: [{ reason: 'UnexpectedServerResponse', message: contentType }] },
  );
}

export function namespaceTerminating(resource: ResourceType, name: string, namespace: string): ApiError {
  const details = resourceDetails(resource, name);
  details.causes = [
    {
      reason: 'NamespaceTerminating',
      message: `namespace ${namespace} is being terminated`,
      field: 'metadata.namespace',
    },
  ];
  return new ApiError(
    403,
    'Forbidden',
    `${qualifiedResource(resource)} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
    details,
  );
}

export function internalError(message: string): ApiError {
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
}
