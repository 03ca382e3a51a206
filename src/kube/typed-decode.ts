import type { KubernetesObject } from '@kubernetes/client-node';
// Not re-exported by the package index, but it is the serializer every typed API call already uses.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

/**
 * Makes a watched object look like a listed one. client-node returns typed model instances from list calls
 * (timestamps are Dates) but hands over watch events as parsed JSON (timestamps are strings); a cache holding
 * both would compare unequal to itself. List items also arrive without `kind`/`apiVersion`, which Events need.
 */
export function typedDecoder<T extends KubernetesObject>(options: {
  /** The client-node model name: `V1Node`, `V1Service`. */
  readonly model: string;
  readonly apiVersion: string;
  readonly kind: string;
}): (object: T) => T {
  return (object) => {
    const typed: T =
      Object.getPrototypeOf(object) === Object.prototype
        ? (ObjectSerializer.deserialize(object, options.model, '') as T)
        : object;
    typed.apiVersion ??= options.apiVersion;
    typed.kind ??= options.kind;
    return typed;
  };
}
