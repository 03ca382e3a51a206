import type { JsonObject } from './json.js';
import { metaOf, nameOf } from './object-meta.js';
import type { ListResult } from './registry.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf } from './resources.js';

/** The shapes of list and delete replies (metav1.List metadata, the Success Status of a DELETE). */
export function listBody(resource: ResourceType, result: ListResult): JsonObject {
  const metadata: JsonObject = { resourceVersion: result.resourceVersion };
  if (result.continueToken !== undefined) metadata.continue = result.continueToken;
  if (result.remainingItemCount !== undefined) metadata.remainingItemCount = result.remainingItemCount;
  return { kind: `${resource.kind}List`, apiVersion: apiVersionOf(resource), metadata, items: result.items };
}

export function deleteSuccessBody(resource: ResourceType, deleted: JsonObject): JsonObject {
  const details: JsonObject = { name: nameOf(deleted) };
  if (resource.group) details.group = resource.group;
  details.kind = resource.plural;
  const uid = metaOf(deleted).uid;
  if (typeof uid === 'string') details.uid = uid;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
