import { ApiError, badRequest, unsupportedMediaType } from './api-errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import { applyJsonPatch, JsonPatchError } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { patchSchemaFor } from './patch-schema.js';
import { applyStrategicMergePatch, StrategicPatchError } from './strategic-merge-patch.js';

/** Dispatches a PATCH body to the patch format its Content-Type names, with the real server's error codes. */
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
] as const;

export type PatchContentType = (typeof PATCH_CONTENT_TYPES)[number];

export function isPatchContentType(value: string): value is PatchContentType {
  return (PATCH_CONTENT_TYPES as readonly string[]).includes(value);
}

export function applyPatch(
  contentType: string,
  original: JsonObject,
  patch: JsonValue,
  kind: string,
): JsonObject {
  if (!isPatchContentType(contentType)) {
    throw unsupportedMediaType(contentType, [...PATCH_CONTENT_TYPES, 'application/apply-patch+yaml']);
  }
  let result: JsonValue;
  try {
    switch (contentType) {
      case 'application/json-patch+json':
        result = applyJsonPatch(original, patch);
        break;
      case 'application/merge-patch+json':
        result = applyMergePatch(original, patch);
        break;
      case 'application/strategic-merge-patch+json':
        result = applyStrategicMergePatch(original, patch, patchSchemaFor(kind));
        break;
    }
  } catch (error) {
    if (error instanceof JsonPatchError) {
      if (error.malformed) throw badRequest(error.message);
      throw new ApiError(422, 'Invalid', error.message);
    }
    if (error instanceof StrategicPatchError) throw new ApiError(422, 'Invalid', error.message);
    throw error;
  }
  if (!isJsonObject(result)) throw badRequest('the patched object is not a JSON object');
  return result;
}
