import type { JsonObject } from './json.js';
import { metaOf } from './object-meta.js';
import { printerFor } from './printers.js';
import type { ResourceType } from './resources.js';

/**
 * Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): kubectl get asks for a
 * meta.k8s.io/v1 Table and prints its cells, so the columns match a real cluster's.
 */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && params.includes('v=v1');
  });
}

export function parseIncludeObject(value: string | null): IncludeObject {
  return value === 'None' || value === 'Object' ? value : 'Metadata';
}

function rowObject(obj: JsonObject, include: IncludeObject): JsonObject | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return obj;
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: metaOf(obj) };
}

export function toTable(
  resource: ResourceType,
  objects: readonly JsonObject[],
  listMetadata: JsonObject,
  include: IncludeObject,
  now: number,
): JsonObject {
  const printer = printerFor(resource.kind);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMetadata,
    columnDefinitions: printer.columns.map((c) => ({ ...c })),
    rows: objects.map((obj) => {
      const row: JsonObject = { cells: printer.cells(obj, now) };
      const object = rowObject(obj, include);
      if (object) row.object = object;
      return row;
    }),
  };
}
