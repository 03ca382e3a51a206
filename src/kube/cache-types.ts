import type { KubernetesObject } from '@kubernetes/client-node';

/** Callbacks a controller registers on an informer cache; each gets the object as it is now in the cache. */
export interface CacheEventHandler<T extends KubernetesObject> {
  onAdd?(object: T): void;
  onUpdate?(object: T, previous: T): void;
  onDelete?(object: T): void;
}

/**
 * A list/watch cache of one resource. Controllers read from it (never from the API server) and map its events
 * to work-queue keys.
 */
export interface InformerCache<T extends KubernetesObject> {
  /** The plural resource name, for logs and /readyz: `nodes`, `services`. */
  readonly resource: string;
  /** Starts list+watch; resolves once the first list is in the cache (synced). */
  start(): Promise<void>;
  stop(): void;
  hasSynced(): boolean;
  list(): readonly T[];
  /** `namespace/name` for namespaced objects, `name` for cluster-scoped ones. */
  get(key: string): T | undefined;
  /** Returns a function that removes the handler. Handlers added after sync get no replay: call list(). */
  addHandler(handler: CacheEventHandler<T>): () => void;
}

export function objectKey(object: KubernetesObject): string {
  const name = object.metadata?.name ?? '';
  const namespace = object.metadata?.namespace;
  return namespace ? `${namespace}/${name}` : name;
}
