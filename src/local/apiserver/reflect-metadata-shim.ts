/**
 * @peculiar/x509 loads tsyringe, which refuses to start without the Reflect metadata API (normally the
 * `reflect-metadata` package, which this project does not depend on). This is the small subset it uses:
 * define/get metadata per (target, property), with getMetadata following the prototype chain.
 * Import this module before `@peculiar/x509`.
 */
type MetadataTarget = object;
type MetadataMap = Map<unknown, unknown>;

const store = new WeakMap<MetadataTarget, Map<PropertyKey | undefined, MetadataMap>>();

function ownMap(
  target: MetadataTarget,
  property: PropertyKey | undefined,
  create: boolean,
): MetadataMap | undefined {
  let byProperty = store.get(target);
  if (!byProperty) {
    if (!create) return undefined;
    byProperty = new Map();
    store.set(target, byProperty);
  }
  let map = byProperty.get(property);
  if (!map && create) {
    map = new Map();
    byProperty.set(property, map);
  }
  return map;
}

interface ReflectMetadataApi {
  defineMetadata(key: unknown, value: unknown, target: MetadataTarget, property?: PropertyKey): void;
  getOwnMetadata(key: unknown, target: MetadataTarget, property?: PropertyKey): unknown;
  getMetadata(key: unknown, target: MetadataTarget, property?: PropertyKey): unknown;
  hasMetadata(key: unknown, target: MetadataTarget, property?: PropertyKey): boolean;
  metadata(key: unknown, value: unknown): (target: MetadataTarget, property?: PropertyKey) => void;
}

const api: ReflectMetadataApi = {
  defineMetadata(key, value, target, property) {
    ownMap(target, property, true)!.set(key, value);
  },
  getOwnMetadata(key, target, property) {
    return ownMap(target, property, false)?.get(key);
  },
  getMetadata(key, target, property) {
    for (let current: object | null = target; current !== null; current = Object.getPrototypeOf(current)) {
      const map = ownMap(current, property, false);
      if (map?.has(key)) return map.get(key);
    }
    return undefined;
  },
  hasMetadata(key, target, property) {
    return api.getMetadata(key, target, property) !== undefined;
  },
  metadata(key, value) {
    return (target, property) => api.defineMetadata(key, value, target, property);
  },
};

const reflect = Reflect as unknown as Partial<ReflectMetadataApi>;
if (typeof reflect.getMetadata !== 'function') Object.assign(Reflect, api);
