import { badRequest } from './api-errors.js';
import type { JsonObject } from './json.js';
import { labelsOf, nameOf, namespaceOf } from './object-meta.js';
import type { ResourceType } from './resources.js';
import {
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  SelectorError,
} from './selectors.js';

/**
 * Turns a request's labelSelector/fieldSelector into a predicate over stored objects, failing with 400
 * BadRequest on bad syntax or a field the resource does not index, as the real server does.
 */
export type ObjectMatcher = (obj: JsonObject) => boolean;

export function buildMatcher(
  resource: ResourceType,
  labelSelector?: string,
  fieldSelector?: string,
): ObjectMatcher {
  try {
    const labels = parseLabelSelector(labelSelector ?? '');
    const fields = parseFieldSelector(fieldSelector ?? '');
    for (const requirement of fields) {
      if (!isSelectable(resource, requirement.field)) {
        throw badRequest(`field label not supported: ${requirement.field}`);
      }
    }
    if (labels.length === 0 && fields.length === 0) return () => true;
    return (obj) =>
      matchesLabels(labels, labelsOf(obj)) && matchesFields(fields, selectableFields(resource, obj));
  } catch (error) {
    if (error instanceof SelectorError) throw badRequest(error.message);
    throw error;
  }
}

function isSelectable(resource: ResourceType, field: string): boolean {
  if (field === 'metadata.name') return true;
  if (field === 'metadata.namespace') return resource.namespaced;
  return Object.hasOwn(resource.selectableFields, field);
}

function selectableFields(resource: ResourceType, obj: JsonObject): Record<string, string> {
  const fields: Record<string, string> = { 'metadata.name': nameOf(obj) };
  if (resource.namespaced) fields['metadata.namespace'] = namespaceOf(obj);
  for (const [field, read] of Object.entries(resource.selectableFields)) fields[field] = read(obj);
  return fields;
}
