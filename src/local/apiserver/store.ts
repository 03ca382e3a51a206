import type { JsonObject } from './json.js';
import { childObject, deepClone } from './json.js';

/**
 * The in-memory stand-in for etcd: objects by resource and key, one resourceVersion counter shared by every
 * kind (etcd's revision), and a bounded history of changes so a watch can resume from an older version.
 * Objects handed out are copies, so callers may mutate them freely.
 */
export type StoreEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: StoreEventType;
  readonly resourceKey: string;
  readonly rv: number;
  /** The object after the change; for DELETED, its last state stamped with the deletion's version. */
  readonly object: JsonObject;
  /** The object before the change (undefined for ADDED), so selector watches can see transitions. */
  readonly previous: JsonObject | undefined;
}

export type StoreListener = (event: StoreEvent) => void;

export class Store {
  private rv = 0;
  /** Every event with rv > floorRv is still in `history`: the watch window. */
  private floorRv = 0;
  private history: StoreEvent[] = [];
  private readonly objects = new Map<string, Map<string, JsonObject>>();
  private readonly listeners = new Set<StoreListener>();
  private readonly historyLimit: number;

  constructor(historyLimit: number) {
    this.historyLimit = Math.max(1, historyLimit);
  }

  currentRv(): number {
    return this.rv;
  }

  /** The oldest version a watch may still start from. */
  oldestWatchableRv(): number {
    return this.floorRv;
  }

  get(resourceKey: string, namespace: string, name: string): JsonObject | undefined {
    const found = this.objects.get(resourceKey)?.get(objectKey(namespace, name));
    return found ? deepClone(found) : undefined;
  }

  /** Objects of one resource, ordered by namespace then name (the order etcd's key space gives). */
  list(resourceKey: string, namespace?: string): JsonObject[] {
    const bucket = this.objects.get(resourceKey);
    if (!bucket) return [];
    const keys = [...bucket.keys()].sort();
    const prefix = namespace === undefined ? undefined : `${namespace}/`;
    const result: JsonObject[] = [];
    for (const key of keys) {
      if (prefix !== undefined && !key.startsWith(prefix)) continue;
      result.push(deepClone(bucket.get(key)!));
    }
    return result;
  }

  /**
   * Objects of one resource as they were at `rv` (an etcd read at a past revision), rebuilt by undoing the
   * later history; 'expired' when that history was already forgotten.
   */
  listAt(resourceKey: string, namespace: string | undefined, rv: number): JsonObject[] | 'expired' {
    const later = this.eventsAfter(rv);
    if (later === 'expired') return 'expired';
    const state = new Map<string, JsonObject>();
    for (const obj of this.list(resourceKey)) state.set(keyOf(obj), obj);
    for (const event of [...later].reverse()) {
      if (event.resourceKey !== resourceKey) continue;
      if (event.previous) state.set(keyOf(event.previous), deepClone(event.previous));
      else state.delete(keyOf(event.object));
    }
    const prefix = namespace === undefined ? undefined : `${namespace}/`;
    return [...state.entries()]
      .filter(([key]) => prefix === undefined || key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => obj);
  }

  /** Writes `object` (create or update) under a new resourceVersion and records the change. */
  put(resourceKey: string, object: JsonObject): JsonObject {
    const meta = childObject(object, 'metadata');
    const key = objectKey(stringOf(meta.namespace), stringOf(meta.name));
    const bucket = this.bucket(resourceKey);
    const previous = bucket.get(key);
    this.rv += 1;
    meta.resourceVersion = String(this.rv);
    const stored = deepClone(object);
    bucket.set(key, stored);
    this.record({
      type: previous ? 'MODIFIED' : 'ADDED',
      resourceKey,
      rv: this.rv,
      object: stored,
      previous,
    });
    return deepClone(stored);
  }

  /** Removes an object; the DELETED event carries its last state at the deletion's resourceVersion. */
  remove(resourceKey: string, namespace: string, name: string): JsonObject | undefined {
    const bucket = this.bucket(resourceKey);
    const key = objectKey(namespace, name);
    const previous = bucket.get(key);
    if (!previous) return undefined;
    bucket.delete(key);
    this.rv += 1;
    const last = deepClone(previous);
    childObject(last, 'metadata').resourceVersion = String(this.rv);
    this.record({ type: 'DELETED', resourceKey, rv: this.rv, object: last, previous });
    return deepClone(last);
  }

  /** Every event after `rv`, or 'expired' when some of them were already forgotten. */
  eventsAfter(rv: number): readonly StoreEvent[] | 'expired' {
    if (rv < this.floorRv) return 'expired';
    return this.history.filter((event) => event.rv > rv);
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Forgets all history, like an etcd compaction at the current revision. */
  compact(): void {
    this.history = [];
    this.floorRv = this.rv;
  }

  private bucket(resourceKey: string): Map<string, JsonObject> {
    let bucket = this.objects.get(resourceKey);
    if (!bucket) {
      bucket = new Map();
      this.objects.set(resourceKey, bucket);
    }
    return bucket;
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      const dropped = this.history.splice(0, this.history.length - this.historyLimit);
      this.floorRv = dropped[dropped.length - 1]!.rv;
    }
    for (const listener of this.listeners) listener(event);
  }
}

function keyOf(obj: JsonObject): string {
  const meta = childObject(obj, 'metadata');
  return objectKey(stringOf(meta.namespace), stringOf(meta.name));
}

function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function stringOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}
