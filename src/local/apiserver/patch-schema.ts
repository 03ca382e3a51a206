/**
 * The strategic-merge-patch metadata (the `patchStrategy` / `patchMergeKey` struct tags of k8s.io/api) for
 * the fields of the served kinds that have any. A list field not named here is replaced wholesale by a
 * patch, as a field without tags is in the real types.
 */
export interface ListStrategy {
  readonly strategy: 'merge' | 'replace' | 'retainKeys';
  /** For lists of objects: the field that identifies an element. Absent for lists of primitives. */
  readonly mergeKey?: string;
}

/** Paths are field names joined by '.', with list elements contributing no segment. */
export type PatchSchema = Readonly<Record<string, ListStrategy>>;

const OBJECT_META: PatchSchema = {
  'metadata.finalizers': { strategy: 'merge' },
  'metadata.ownerReferences': { strategy: 'merge', mergeKey: 'uid' },
};

const CONDITIONS = (prefix: string): PatchSchema => ({
  [`${prefix}.conditions`]: { strategy: 'merge', mergeKey: 'type' },
});

const POD_SPEC = (prefix: string): PatchSchema => ({
  [`${prefix}.containers`]: { strategy: 'merge', mergeKey: 'name' },
  [`${prefix}.initContainers`]: { strategy: 'merge', mergeKey: 'name' },
  [`${prefix}.containers.ports`]: { strategy: 'merge', mergeKey: 'containerPort' },
  [`${prefix}.containers.env`]: { strategy: 'merge', mergeKey: 'name' },
  [`${prefix}.containers.volumeMounts`]: { strategy: 'merge', mergeKey: 'mountPath' },
  [`${prefix}.volumes`]: { strategy: 'merge', mergeKey: 'name' },
  [`${prefix}.imagePullSecrets`]: { strategy: 'merge', mergeKey: 'name' },
  [`${prefix}.tolerations`]: { strategy: 'replace' },
});

const BY_KIND: Readonly<Record<string, PatchSchema>> = {
  Service: {
    'spec.ports': { strategy: 'merge', mergeKey: 'port' },
    ...CONDITIONS('status'),
  },
  Node: {
    'spec.podCIDRs': { strategy: 'merge' },
    ...CONDITIONS('status'),
    'status.addresses': { strategy: 'merge', mergeKey: 'type' },
  },
  Namespace: CONDITIONS('status'),
  ServiceAccount: { secrets: { strategy: 'merge', mergeKey: 'name' } },
  // Not served today, kept so the merge logic is exercised on the shapes kubectl patches most.
  Pod: { ...POD_SPEC('spec'), ...CONDITIONS('status') },
};

export function patchSchemaFor(kind: string): PatchSchema {
  return { ...OBJECT_META, ...BY_KIND[kind] };
}
