import type { JsonObject, JsonValue } from './json.js';
import { deepClone, deepEqual, isJsonObject } from './json.js';
import type { PatchSchema } from './patch-schema.js';
import { applyStrategicMergePatch } from './strategic-merge-patch.js';

/**
 * Server-side apply (`application/apply-patch+yaml`), simplified: the applied configuration is merged into
 * the live object (maps by key, associative lists by their merge key, other lists atomically), and fields this
 * manager applied before but no longer applies are removed unless another applier still applies them.
 * Field ownership is tracked per applier only: updates made with PUT/PATCH never conflict with an apply.
 */
type Segment = string | { readonly key: string; readonly value: JsonValue };
const IDENTITY = new Set(['["apiVersion"]', '["kind"]', '["metadata","name"]', '["metadata","namespace"]']);

/** Every field path a configuration sets, in a stable string form. */
export function appliedFieldPaths(config: JsonObject, schema: PatchSchema): Set<string> {
  const paths = new Set<string>();
  const visit = (value: JsonValue, segments: Segment[], schemaPath: string) => {
    if (isJsonObject(value) && Object.keys(value).length > 0) {
      for (const [key, child] of Object.entries(value)) {
        visit(child, [...segments, key], schemaPath ? `${schemaPath}.${key}` : key);
      }
      return;
    }
    const strategy = schema[schemaPath];
    if (Array.isArray(value) && strategy?.strategy === 'merge') {
      for (const item of value) {
        const mergeKey = strategy.mergeKey;
        if (mergeKey !== undefined && isJsonObject(item)) {
          const itemSegments: Segment[] = [...segments, { key: mergeKey, value: item[mergeKey] ?? null }];
          paths.add(JSON.stringify(itemSegments));
          visit(item, itemSegments, schemaPath);
        } else {
          paths.add(JSON.stringify([...segments, { key: '', value: item }]));
        }
      }
      return;
    }
    const path = JSON.stringify(segments);
    if (!IDENTITY.has(path)) paths.add(path);
  };
  visit(config, [], '');
  return paths;
}

function removePath(target: JsonObject, segments: readonly Segment[]): void {
  let current: JsonValue = target;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (typeof segment === 'string') {
      if (!isJsonObject(current)) return;
      if (last) {
        delete current[segment];
        return;
      }
      current = current[segment] ?? null;
    } else {
      if (!Array.isArray(current)) return;
      const matches = (item: JsonValue) =>
        segment.key === ''
          ? deepEqual(item, segment.value)
          : isJsonObject(item) && deepEqual(item[segment.key], segment.value);
      const index = current.findIndex(matches);
      if (index < 0) return;
      if (last) {
        current.splice(index, 1);
        return;
      }
      current = current[index]!;
    }
  }
}

/** Remembers, per object uid and field manager, which fields that manager last applied. */
export class AppliedFields {
  private readonly byObject = new Map<string, Map<string, Set<string>>>();

  previous(uid: string, manager: string): Set<string> {
    return this.byObject.get(uid)?.get(manager) ?? new Set();
  }

  ownedByOthers(uid: string, manager: string): Set<string> {
    const owned = new Set<string>();
    for (const [other, paths] of this.byObject.get(uid) ?? []) {
      if (other !== manager) for (const path of paths) owned.add(path);
    }
    return owned;
  }

  record(uid: string, manager: string, paths: Set<string>): void {
    let managers = this.byObject.get(uid);
    if (!managers) {
      managers = new Map();
      this.byObject.set(uid, managers);
    }
    managers.set(manager, paths);
  }
}

/** The object after applying `config` over `live`, dropping what the manager stopped applying. */
export function mergeAppliedConfiguration(options: {
  readonly live: JsonObject;
  readonly config: JsonObject;
  readonly schema: PatchSchema;
  readonly previous: ReadonlySet<string>;
  readonly ownedByOthers: ReadonlySet<string>;
}): { result: JsonObject; paths: Set<string> } {
  const paths = appliedFieldPaths(options.config, options.schema);
  const result = applyStrategicMergePatch(deepClone(options.live), options.config, options.schema);
  for (const path of options.previous) {
    if (paths.has(path) || options.ownedByOthers.has(path)) continue;
    removePath(result, JSON.parse(path) as Segment[]);
  }
  return { result, paths };
}
