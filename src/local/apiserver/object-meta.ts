import { randomInt, randomUUID } from 'node:crypto';
import type { FieldCause } from './api-errors.js';
import { forbidden, invalidValue } from './api-errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { childObject, isJsonObject } from './json.js';

/**
 * The generic registry's handling of ObjectMeta (rest.BeforeCreate / rest.BeforeUpdate and
 * ValidateObjectMetaUpdate): which metadata fields the server owns and which a client may change.
 */
export function metaOf(obj: JsonObject): JsonObject {
  return childObject(obj, 'metadata');
}

export function nameOf(obj: JsonObject): string {
  const name = metaOf(obj).name;
  return typeof name === 'string' ? name : '';
}

export function namespaceOf(obj: JsonObject): string {
  const ns = metaOf(obj).namespace;
  return typeof ns === 'string' ? ns : '';
}

export function finalizersOf(obj: JsonObject): string[] {
  const list = metaOf(obj).finalizers;
  return Array.isArray(list) ? list.filter((f): f is string => typeof f === 'string') : [];
}

export function labelsOf(obj: JsonObject): Record<string, string> {
  const labels = metaOf(obj).labels;
  const result: Record<string, string> = {};
  if (isJsonObject(labels)) {
    for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') result[k] = v;
  }
  return result;
}

export function isBeingDeleted(obj: JsonObject): boolean {
  const ts = metaOf(obj).deletionTimestamp;
  return typeof ts === 'string' && ts !== '';
}

/** RFC 3339 at whole seconds, the precision metav1.Time serialises with. */
export function timestamp(now: number): string {
  return `${new Date(now).toISOString().slice(0, 19)}Z`;
}

// names.SimpleNameGenerator: 5 characters from an alphabet without vowels or look-alikes.
const ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

export function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += ALPHABET[randomInt(ALPHABET.length)];
  return `${prefix.slice(0, 58)}${suffix}`;
}

/** rest.BeforeCreate: the server owns uid, timestamps, generation and deletion fields. */
export function prepareMetaForCreate(obj: JsonObject, now: number, hasGeneration: boolean): void {
  const meta = metaOf(obj);
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  delete meta.resourceVersion;
  if (hasGeneration) meta.generation = 1;
  else delete meta.generation;
  dropEmpty(meta);
}

/** rest.BeforeUpdate: carry over what an update may not change, and reject what it may not do. */
export function prepareMetaForUpdate(obj: JsonObject, old: JsonObject): FieldCause[] {
  const meta = metaOf(obj);
  const oldMeta = metaOf(old);
  const causes: FieldCause[] = [];
  if (meta.uid === undefined || meta.uid === '') meta.uid = oldMeta.uid ?? '';
  else if (meta.uid !== oldMeta.uid)
    causes.push(invalidValue('metadata.uid', meta.uid, 'field is immutable'));
  copyOrDelete(meta, oldMeta, 'creationTimestamp');
  copyOrDelete(meta, oldMeta, 'deletionTimestamp');
  if (oldMeta.deletionGracePeriodSeconds !== undefined && meta.deletionGracePeriodSeconds === undefined) {
    meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  }
  copyOrDelete(meta, oldMeta, 'generation');
  delete meta.selfLink;
  if (isBeingDeleted(old)) {
    const before = new Set(finalizersOf(old));
    const added = finalizersOf(obj).filter((f) => !before.has(f));
    if (added.length > 0) {
      causes.push(
        forbidden(
          'metadata.finalizers',
          `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
        ),
      );
    }
  }
  dropEmpty(meta);
  return causes;
}

function copyOrDelete(meta: JsonObject, oldMeta: JsonObject, key: string): void {
  const value: JsonValue | undefined = oldMeta[key];
  if (value === undefined || value === null) delete meta[key];
  else meta[key] = value;
}

// omitempty: the real server never stores empty labels/annotations/finalizers, so clients never see them.
function dropEmpty(meta: JsonObject): void {
  for (const key of ['labels', 'annotations']) {
    const value = meta[key];
    if (value === null || (isJsonObject(value) && Object.keys(value).length === 0)) delete meta[key];
  }
  for (const key of ['finalizers', 'ownerReferences']) {
    const value = meta[key];
    if (value === null || (Array.isArray(value) && value.length === 0)) delete meta[key];
  }
}
