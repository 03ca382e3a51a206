/**
 * The API server keeps objects as plain JSON, as etcd does: no typed structs, so any field a client writes
 * round-trips unchanged. These helpers are the few operations every layer needs on such values.
 */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function deepClone<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

/** The object at `obj[key]`, created empty when absent or not an object. */
export function childObject(obj: JsonObject, key: string): JsonObject {
  const existing = obj[key];
  if (isJsonObject(existing)) return existing;
  const created: JsonObject = {};
  obj[key] = created;
  return created;
}

/** Reads a dotted path (`spec.type`) as a string, for selectors and printers; '' when absent. */
export function stringAt(obj: JsonObject, path: string): string {
  let current: JsonValue | undefined = obj;
  for (const part of path.split('.')) {
    if (!isJsonObject(current)) return '';
    current = current[part];
  }
  if (typeof current === 'string') return current;
  if (typeof current === 'number' || typeof current === 'boolean') return String(current);
  return '';
}
