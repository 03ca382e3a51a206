import { conflict } from './api-errors.js';
import type { JsonObject } from './json.js';
import { deepClone, isJsonObject } from './json.js';
import { metaOf, nameOf } from './object-meta.js';
import type { ResourceType } from './resources.js';

/**
 * What the generic registry keeps from a write: a main-resource update never changes status, a status update
 * changes only status (and metadata), and DELETE honours the uid/resourceVersion preconditions it is given.
 */
/** The main resource's update ignores status (the strategy's PrepareForUpdate copies the old one back). */
export function mainUpdate(resource: ResourceType, existing: JsonObject, incoming: JsonObject): JsonObject {
  const next = deepClone(incoming);
  if (resource.hasStatus) {
    if (existing.status !== undefined) next.status = deepClone(existing.status);
    else delete next.status;
  }
  return next;
}

/** A status update keeps everything but status and metadata from the stored object. */
export function statusUpdate(existing: JsonObject, incoming: JsonObject): JsonObject {
  const next = deepClone(existing);
  next.metadata = deepClone(metaOf(incoming));
  if (incoming.status !== undefined) next.status = deepClone(incoming.status);
  else delete next.status;
  return next;
}

export function withoutMetaAndStatus(obj: JsonObject): JsonObject {
  const { metadata: _m, status: _s, ...rest } = obj;
  return rest;
}

export function checkDeletePreconditions(
  resource: ResourceType,
  existing: JsonObject,
  deleteOptions: unknown,
): void {
  if (!isJsonObject(deleteOptions) || !isJsonObject(deleteOptions.preconditions)) return;
  const { uid, resourceVersion } = deleteOptions.preconditions;
  const meta = metaOf(existing);
  if (typeof uid === 'string' && uid !== '' && uid !== meta.uid) {
    throw conflict(
      resource,
      nameOf(existing),
      `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${String(meta.uid)}`,
    );
  }
  if (
    typeof resourceVersion === 'string' &&
    resourceVersion !== '' &&
    resourceVersion !== meta.resourceVersion
  ) {
    throw conflict(
      resource,
      nameOf(existing),
      `Precondition failed: ResourceVersion in precondition: ${resourceVersion}, ResourceVersion in meta: ${String(meta.resourceVersion)}`,
    );
  }
}
