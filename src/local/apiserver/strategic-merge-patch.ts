import type { JsonObject, JsonValue } from './json.js';
import { deepClone, deepEqual, isJsonObject } from './json.js';
import type { PatchSchema } from './patch-schema.js';

/**
 * Strategic merge patch, following apimachinery's strategicpatch.StrategicMergePatch for what kubectl
 * apply/patch send: lists merged by merge key (or as sets of primitives) where the schema says so,
 * `$patch: replace|delete|merge`, `$setElementOrder/<list>`, `$retainKeys`, `$deleteFromPrimitiveList/<list>`,
 * and null deleting a key. Every other list is replaced, as for a field without patch tags.
 */
export class StrategicPatchError extends Error {
  override readonly name = 'StrategicPatchError';
}

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

export function applyStrategicMergePatch(
  original: JsonObject,
  patch: JsonValue,
  schema: PatchSchema,
): JsonObject {
  if (!isJsonObject(patch)) {
    throw new StrategicPatchError(
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  }
  return mergeMap(deepClone(original), deepClone(patch), schema, '');
}

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function mergeMap(original: JsonObject, patch: JsonObject, schema: PatchSchema, path: string): JsonObject {
  const directive = patch[DIRECTIVE];
  if (directive !== undefined) {
    if (directive === 'replace') return stripDirectives(withoutKey(patch, DIRECTIVE)) as JsonObject;
    if (directive === 'delete') return {};
    if (directive !== 'merge') throw new StrategicPatchError(`Unknown patch type: ${String(directive)}`);
    delete patch[DIRECTIVE];
  }

  const retain = patch[RETAIN_KEYS];
  if (retain !== undefined) {
    if (!Array.isArray(retain)) throw new StrategicPatchError('invalid $retainKeys: must be a list');
    const keep = new Set(retain.map(String));
    for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
    delete patch[RETAIN_KEYS];
  }

  const orders = new Map<string, JsonValue[]>();
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (key.startsWith(SET_ORDER)) {
      if (!Array.isArray(value)) throw new StrategicPatchError(`invalid ${key}: must be a list`);
      orders.set(key.slice(SET_ORDER.length), value);
      delete patch[key];
    } else if (key.startsWith(DELETE_PRIMITIVE)) {
      const field = key.slice(DELETE_PRIMITIVE.length);
      const current = original[field];
      if (Array.isArray(value) && Array.isArray(current)) {
        original[field] = current.filter((item) => !value.some((v) => deepEqual(v, item)));
      }
      delete patch[key];
    }
  }

  for (const [key, patchValue] of Object.entries(patch)) {
    const fieldPath = childPath(path, key);
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const originalValue = original[key];
    if (originalValue === undefined || originalValue === null) {
      original[key] = Array.isArray(patchValue)
        ? mergeList([], patchValue, schema, fieldPath)
        : stripDirectives(patchValue);
      continue;
    }
    if (isJsonObject(originalValue) && isJsonObject(patchValue)) {
      original[key] =
        schema[fieldPath]?.strategy === 'replace'
          ? (stripDirectives(patchValue) as JsonObject)
          : mergeMap(originalValue, patchValue, schema, fieldPath);
    } else if (Array.isArray(originalValue) && Array.isArray(patchValue)) {
      original[key] = mergeList(originalValue, patchValue, schema, fieldPath);
    } else {
      original[key] = stripDirectives(patchValue);
    }
  }

  for (const [field, order] of orders) {
    const list = original[field];
    if (Array.isArray(list))
      original[field] = applyOrder(list, order, schema[childPath(path, field)]?.mergeKey);
  }
  return original;
}

function mergeList(
  original: JsonValue[],
  patch: JsonValue[],
  schema: PatchSchema,
  path: string,
): JsonValue[] {
  const meta = schema[path];
  if (meta?.strategy !== 'merge') {
    // Without a merge strategy the list is atomic, but a lone `$patch: replace|delete` element still applies.
    return patch
      .filter((item) => !(isJsonObject(item) && item[DIRECTIVE] !== undefined))
      .map(stripDirectives);
  }
  const mergeKey = meta.mergeKey;
  if (mergeKey === undefined) {
    const merged = [...original];
    for (const item of patch) if (!merged.some((m) => deepEqual(m, item))) merged.push(item);
    return orderLike(merged, patch, original, undefined);
  }

  let base = original;
  const items: JsonObject[] = [];
  for (const item of patch) {
    if (!isJsonObject(item)) throw new StrategicPatchError(`${path}: expected a list of objects`);
    const directive = item[DIRECTIVE];
    if (directive === 'replace') {
      base = [];
      continue;
    }
    if (directive === 'delete') {
      base = base.filter((existing) => !sameKey(existing, item, mergeKey));
      continue;
    }
    if (!Object.hasOwn(item, mergeKey)) {
      throw new StrategicPatchError(
        `map: ${JSON.stringify(item)} does not contain declared merge key: ${mergeKey}`,
      );
    }
    items.push(item);
  }
  const merged = [...base];
  for (const item of items) {
    const index = merged.findIndex((existing) => sameKey(existing, item, mergeKey));
    if (index >= 0) {
      merged[index] = mergeMap(merged[index] as JsonObject, item, schema, path);
    } else {
      merged.push(mergeMap({}, item, schema, path));
    }
  }
  return orderLike(merged, items, base, mergeKey);
}

function sameKey(a: JsonValue, b: JsonObject, mergeKey: string): boolean {
  return isJsonObject(a) && deepEqual(a[mergeKey], b[mergeKey]);
}

function identity(item: JsonValue, mergeKey: string | undefined): JsonValue {
  return mergeKey !== undefined && isJsonObject(item) ? (item[mergeKey] ?? null) : item;
}

function indexIn(list: readonly JsonValue[], item: JsonValue, mergeKey: string | undefined): number {
  const id = identity(item, mergeKey);
  return list.findIndex((candidate) => deepEqual(identity(candidate, mergeKey), id));
}

/**
 * normalizeElementOrder: elements named by the patch come in the patch's order; elements only the server
 * had keep their relative order and are interleaved by their original positions.
 */
function orderLike(
  merged: readonly JsonValue[],
  patchOrder: readonly JsonValue[],
  serverOrder: readonly JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  const fromPatch = merged
    .filter((item) => indexIn(patchOrder, item, mergeKey) >= 0)
    .sort((a, b) => indexIn(patchOrder, a, mergeKey) - indexIn(patchOrder, b, mergeKey));
  const serverOnly = merged.filter((item) => indexIn(patchOrder, item, mergeKey) < 0);
  const result: JsonValue[] = [];
  let i = 0;
  let j = 0;
  while (i < fromPatch.length || j < serverOnly.length) {
    if (i >= fromPatch.length) {
      result.push(serverOnly[j++]!);
    } else if (j >= serverOnly.length) {
      result.push(fromPatch[i++]!);
    } else {
      const left = indexIn(serverOrder, fromPatch[i]!, mergeKey);
      const right = indexIn(serverOrder, serverOnly[j]!, mergeKey);
      if (left >= 0 && right >= 0 && right < left) result.push(serverOnly[j++]!);
      else if (left < 0 && right >= 0) result.push(serverOnly[j++]!);
      else result.push(fromPatch[i++]!);
    }
  }
  return result;
}

function applyOrder(
  list: readonly JsonValue[],
  order: readonly JsonValue[],
  mergeKey: string | undefined,
): JsonValue[] {
  return orderLike(list, order, list, mergeKey);
}

function withoutKey(obj: JsonObject, key: string): JsonObject {
  const { [key]: _dropped, ...rest } = obj;
  return rest;
}

/** Directive keys never reach the stored object (the real decoder drops them as unknown fields). */
function stripDirectives(value: JsonValue): JsonValue {
  if (Array.isArray(value)) {
    return value
      .filter((item) => !(isJsonObject(item) && item[DIRECTIVE] !== undefined))
      .map(stripDirectives);
  }
  if (!isJsonObject(value)) return value;
  const result: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (
      key === DIRECTIVE ||
      key === RETAIN_KEYS ||
      key.startsWith(SET_ORDER) ||
      key.startsWith(DELETE_PRIMITIVE)
    ) {
      continue;
    }
    if (item === null) continue;
    result[key] = stripDirectives(item);
  }
  return result;
}
