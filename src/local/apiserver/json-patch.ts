import type { JsonObject, JsonValue } from './json.js';
import { deepClone, deepEqual, isJsonObject } from './json.js';

/**
 * RFC 6902 JSON Patch (add, remove, replace, move, copy, test) with RFC 6901 pointers. Errors carry the
 * wording of the evanphx/json-patch library kube-apiserver uses, since clients print them.
 */
export class JsonPatchError extends Error {
  override readonly name = 'JsonPatchError';
  /** A malformed patch document (400) rather than one that does not apply (422). */
  readonly malformed: boolean;
  constructor(message: string, malformed = false) {
    super(message);
    this.malformed = malformed;
  }
}

interface Operation {
  readonly op: string;
  readonly path: string;
  readonly value?: JsonValue;
  readonly from?: string;
}

export function applyJsonPatch(document: JsonValue, patch: JsonValue): JsonValue {
  if (!Array.isArray(patch)) {
    throw new JsonPatchError('json: cannot unmarshal object into Go value of type jsonpatch.Patch', true);
  }
  let doc = deepClone(document);
  for (const raw of patch) {
    doc = applyOperation(doc, toOperation(raw));
  }
  return doc;
}

function toOperation(raw: JsonValue): Operation {
  if (!isJsonObject(raw) || typeof raw.op !== 'string') {
    throw new JsonPatchError('Unexpected kind: unknown', true);
  }
  if (typeof raw.path !== 'string') throw new JsonPatchError(`${raw.op} operation missing path`, true);
  const op: Operation = { op: raw.op, path: raw.path };
  return {
    ...op,
    ...(Object.hasOwn(raw, 'value') ? { value: raw.value! } : {}),
    ...(typeof raw.from === 'string' ? { from: raw.from } : {}),
  };
}

function applyOperation(doc: JsonValue, op: Operation): JsonValue {
  switch (op.op) {
    case 'add':
      return add(doc, op.path, requireValue(op));
    case 'remove':
      return remove(doc, op.path, 'remove');
    case 'replace': {
      if (op.path === '') return requireValue(op);
      get(doc, op.path, 'replace');
      return add(remove(doc, op.path, 'replace'), op.path, requireValue(op), true);
    }
    case 'move': {
      const from = requireFrom(op);
      const value = get(doc, from, 'move');
      return add(remove(doc, from, 'move'), op.path, value);
    }
    case 'copy':
      return add(doc, op.path, deepClone(get(doc, requireFrom(op), 'copy')));
    case 'test': {
      const actual = tryGet(doc, op.path);
      if (actual === undefined || !deepEqual(actual, requireValue(op))) {
        throw new JsonPatchError(`testing value ${op.path} failed: test failed`);
      }
      return doc;
    }
    default:
      throw new JsonPatchError(`Unexpected kind: ${op.op}`, true);
  }
}

function requireValue(op: Operation): JsonValue {
  if (op.value === undefined) throw new JsonPatchError(`${op.op} operation missing value`, true);
  return deepClone(op.value);
}

function requireFrom(op: Operation): string {
  if (op.from === undefined) throw new JsonPatchError(`${op.op} operation missing from`, true);
  return op.from;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new JsonPatchError(`invalid JSON pointer: ${pointer}`, true);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function tryGet(doc: JsonValue, pointer: string): JsonValue | undefined {
  let current: JsonValue | undefined = doc;
  for (const token of parsePointer(pointer)) {
    if (Array.isArray(current)) {
      const index = arrayIndex(token, current.length - 1);
      current = index === undefined ? undefined : current[index];
    } else if (isJsonObject(current)) {
      current = Object.hasOwn(current, token) ? current[token] : undefined;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

function get(doc: JsonValue, pointer: string, op: string): JsonValue {
  const value = tryGet(doc, pointer);
  if (value === undefined) {
    throw new JsonPatchError(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return value;
}

function arrayIndex(token: string, max: number): number | undefined {
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const index = Number(token);
  return index <= max ? index : undefined;
}

/** Splits a pointer into its parent container (looked up in `doc`) and the last token. */
function parent(
  doc: JsonValue,
  pointer: string,
  op: string,
): { container: JsonObject | JsonValue[]; key: string } {
  const tokens = parsePointer(pointer);
  const key = tokens.pop();
  if (key === undefined)
    throw new JsonPatchError(`${op} operation does not apply: path is the document root`);
  const container = tokens.length === 0 ? doc : tryGet(doc, `/${tokens.map(escapeToken).join('/')}`);
  if (!Array.isArray(container) && !isJsonObject(container)) {
    throw new JsonPatchError(`${op} operation does not apply: doc is missing path: "${pointer}"`);
  }
  return { container, key };
}

function escapeToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

function add(doc: JsonValue, pointer: string, value: JsonValue, replacing = false): JsonValue {
  if (pointer === '') return value;
  const { container, key } = parent(doc, pointer, replacing ? 'replace' : 'add');
  if (Array.isArray(container)) {
    const index = key === '-' ? container.length : arrayIndex(key, container.length);
    if (index === undefined) {
      throw new JsonPatchError(`add operation does not apply: index out of bounds: ${key}`);
    }
    container.splice(index, 0, value);
  } else {
    container[key] = value;
  }
  return doc;
}

function remove(doc: JsonValue, pointer: string, op: string): JsonValue {
  const { container, key } = parent(doc, pointer, op);
  if (Array.isArray(container)) {
    const index = arrayIndex(key, container.length - 1);
    if (index === undefined)
      throw new JsonPatchError(`${op} operation does not apply: doc is missing path: "${pointer}"`);
    container.splice(index, 1);
  } else {
    if (!Object.hasOwn(container, key)) {
      throw new JsonPatchError(`${op} operation does not apply: doc is missing path: "${pointer}"`);
    }
    delete container[key];
  }
  return doc;
}
