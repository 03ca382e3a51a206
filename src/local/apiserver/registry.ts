import type { ServiceAllocators } from './allocators.js';
import type { FieldCause } from './api-errors.js';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  gone,
  invalid,
  namespaceTerminating,
  notFound,
  STALE_OBJECT_MESSAGE,
} from './api-errors.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import type { JsonObject, JsonValue } from './json.js';
import { deepClone, deepEqual, isJsonObject } from './json.js';
import type { HookContext } from './kind-hooks.js';
import { hooksFor } from './kind-hooks.js';
import { buildMatcher } from './matcher.js';
import {
  finalizersOf,
  generateName,
  isBeingDeleted,
  metaOf,
  nameOf,
  namespaceOf,
  prepareMetaForCreate,
  prepareMetaForUpdate,
  timestamp,
} from './object-meta.js';
import { applyPatch } from './patch.js';
import { patchSchemaFor } from './patch-schema.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf, RESOURCES, resourceByKind, resourceKey } from './resources.js';
import { AppliedFields, appliedFieldPaths, mergeAppliedConfiguration } from './server-side-apply.js';
import type { Store } from './store.js';
import { validateObjectMeta } from './validation.js';
import { checkDeletePreconditions, mainUpdate, statusUpdate, withoutMetaAndStatus } from './write-rules.js';

/**
 * The generic registry (k8s.io/apiserver's registry/generic + rest packages) over the Store: create,
 * update, patch, delete with finalizers, namespace lifecycle, list with selectors and paging. It knows
 * nothing about HTTP; the handlers translate requests into these calls.
 */
export interface WriteOptions {
  readonly dryRun: boolean;
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continueToken?: string;
  /** resourceVersionMatch=Exact: list the state at exactly this resourceVersion. */
  readonly exactResourceVersion?: number;
}

export interface ListResult {
  readonly items: JsonObject[];
  readonly resourceVersion: string;
  readonly continueToken?: string;
  readonly remainingItemCount?: number;
}

export interface DeleteResult {
  /** The object after the call: gone (deleted=true) or lingering with a deletionTimestamp. */
  readonly object: JsonObject;
  readonly deleted: boolean;
}

export type Subresource = 'status' | undefined;

const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
const NAMESPACES = resourceByKind('Namespace')!;

export class Registry {
  private readonly store: Store;
  private readonly now: () => number;
  private readonly context: HookContext;
  private readonly applied = new AppliedFields();

  constructor(options: { store: Store; allocators: ServiceAllocators; now?: () => number }) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.context = { allocators: options.allocators };
  }

  get(resource: ResourceType, namespace: string, name: string): JsonObject {
    const found = this.store.get(resourceKey(resource), namespace, name);
    if (!found) throw notFound(resource, name);
    return found;
  }

  list(resource: ResourceType, namespace: string | undefined, options: ListOptions): ListResult {
    const matches = buildMatcher(resource, options.labelSelector, options.fieldSelector);
    let listRv = this.store.currentRv();
    let startAfter: string | undefined;
    if (options.continueToken) {
      const token = decodeContinue(options.continueToken);
      listRv = token.rv;
      startAfter = token.start;
    } else if (options.exactResourceVersion !== undefined) {
      listRv = options.exactResourceVersion;
    }
    const key = resourceKey(resource);
    const scope = resource.namespaced ? namespace : undefined;
    // A continued list reads the snapshot of its first page, as etcd serves a read at a past revision.
    const snapshot =
      listRv === this.store.currentRv() ? this.store.list(key, scope) : this.store.listAt(key, scope, listRv);
    if (snapshot === 'expired') {
      throw gone(
        options.continueToken
          ? 'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.'
          : `too old resource version: ${listRv} (${this.store.oldestWatchableRv()})`,
      );
    }
    const all = snapshot
      .filter((obj) => startAfter === undefined || objectKey(obj) > startAfter)
      .filter(matches);
    const limit = options.limit !== undefined && options.limit > 0 ? options.limit : undefined;
    if (limit === undefined || all.length <= limit) {
      return { items: all, resourceVersion: String(listRv) };
    }
    const items = all.slice(0, limit);
    const filtered = Boolean(options.labelSelector || options.fieldSelector);
    return {
      items,
      resourceVersion: String(listRv),
      continueToken: encodeContinue(listRv, objectKey(items[items.length - 1]!)),
      ...(filtered ? {} : { remainingItemCount: all.length - limit }),
    };
  }

  create(resource: ResourceType, namespace: string, body: unknown, options: WriteOptions): JsonObject {
    const obj = this.checkBody(resource, body);
    const meta = metaOf(obj);
    this.checkNamespace(resource, namespace, obj);
    if (
      (meta.name === undefined || meta.name === '') &&
      typeof meta.generateName === 'string' &&
      meta.generateName
    ) {
      meta.name = this.freshName(resource, namespace, meta.generateName);
    }
    const hooks = hooksFor(resource.kind);
    prepareMetaForCreate(obj, this.now(), resource.hasGeneration);
    hooks.prepareForCreate?.(obj);
    hooks.applyDefaults?.(obj);
    const causes = [
      ...validateObjectMeta(meta, hooks.nameRule, resource.namespaced),
      ...(hooks.validate?.(obj, undefined) ?? []),
    ];
    const name = nameOf(obj);
    if (causes.length > 0) throw invalid(resource, name, causes);
    if (resource.namespaced) this.checkNamespaceOpen(resource, name, namespace);
    if (this.store.get(resourceKey(resource), namespace, name)) throw alreadyExists(resource, name);
    const allocationCauses = hooks.allocate?.(obj, undefined, this.context) ?? [];
    if (allocationCauses.length > 0) throw invalid(resource, name, allocationCauses);
    if (options.dryRun) {
      hooks.release?.(obj, undefined, this.context);
      return obj;
    }
    return this.store.put(resourceKey(resource), obj);
  }

  /** PUT: returns the stored object and whether the PUT created it (201 rather than 200). */
  update(
    resource: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    subresource: Subresource,
    options: WriteOptions,
  ): { object: JsonObject; created: boolean } {
    const obj = this.checkBody(resource, body);
    const meta = metaOf(obj);
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    this.checkNamespace(resource, namespace, obj);
    const existing = this.store.get(resourceKey(resource), namespace, name);
    if (!existing) {
      if (resource.createOnUpdate && subresource === undefined) {
        meta.name = name;
        if (meta.resourceVersion !== undefined && meta.resourceVersion !== '') throw notFound(resource, name);
        return { object: this.create(resource, namespace, obj, options), created: true };
      }
      throw notFound(resource, name);
    }
    this.checkPrecondition(resource, existing, meta.resourceVersion);
    return { object: this.applyUpdate(resource, existing, obj, subresource, options), created: false };
  }

  patch(
    resource: ResourceType,
    namespace: string,
    name: string,
    contentType: string,
    patch: JsonValue,
    subresource: Subresource,
    options: WriteOptions,
  ): JsonObject {
    const existing = this.get(resource, namespace, name);
    const patched = applyPatch(contentType, existing, patch, resource.kind);
    const meta = metaOf(patched);
    if (meta.name !== name) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    this.checkNamespace(resource, namespace, patched);
    // A patch that sets metadata.resourceVersion makes it a precondition, as on the real server.
    this.checkPrecondition(resource, existing, meta.resourceVersion);
    return this.applyUpdate(resource, existing, patched, subresource, options);
  }

  /** Server-side apply (simplified, see server-side-apply.ts); creates the object when it does not exist. */
  apply(
    resource: ResourceType,
    namespace: string,
    name: string,
    body: unknown,
    subresource: Subresource,
    options: WriteOptions & { readonly fieldManager: string },
  ): { object: JsonObject; created: boolean } {
    if (!options.fieldManager) {
      throw new ApiError(
        422,
        'Invalid',
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
      );
    }
    if (isJsonObject(body) && (!body.apiVersion || !body.kind)) {
      throw badRequest(`${body.apiVersion ? 'kind' : 'apiVersion'} must be set`);
    }
    const config = this.checkBody(resource, body);
    const meta = metaOf(config);
    if (meta.name !== undefined && meta.name !== name) {
      throw badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    meta.name = name;
    this.checkNamespace(resource, namespace, config);
    const schema = patchSchemaFor(resource.kind);
    const existing = this.store.get(resourceKey(resource), namespace, name);
    if (!existing) {
      if (subresource !== undefined) throw notFound(resource, name);
      const created = this.create(resource, namespace, config, options);
      const uid = String(metaOf(created).uid);
      this.applied.record(uid, options.fieldManager, appliedFieldPaths(config, schema));
      return { object: created, created: true };
    }
    this.checkPrecondition(resource, existing, meta.resourceVersion);
    const uid = String(metaOf(existing).uid);
    const { result, paths } = mergeAppliedConfiguration({
      live: existing,
      config,
      schema,
      previous: this.applied.previous(uid, options.fieldManager),
      ownedByOthers: this.applied.ownedByOthers(uid, options.fieldManager),
    });
    const object = this.applyUpdate(resource, existing, result, subresource, options);
    if (!options.dryRun) this.applied.record(uid, options.fieldManager, paths);
    return { object, created: false };
  }

  delete(
    resource: ResourceType,
    namespace: string,
    name: string,
    deleteOptions: unknown,
    options: WriteOptions,
  ): DeleteResult {
    const existing = this.get(resource, namespace, name);
    checkDeletePreconditions(resource, existing, deleteOptions);
    if (resource.kind === 'Namespace') return this.deleteNamespace(existing, options);
    return this.deleteObject(resource, existing, options);
  }

  deleteCollection(
    resource: ResourceType,
    namespace: string | undefined,
    listOptions: ListOptions,
    options: WriteOptions,
  ): JsonObject[] {
    const { items } = this.list(resource, namespace, {
      ...listOptions,
      limit: undefined,
      continueToken: undefined,
    });
    return items.map((item) =>
      resource.kind === 'Namespace'
        ? this.deleteNamespace(item, options).object
        : this.deleteObject(resource, item, options).object,
    );
  }

  private applyUpdate(
    resource: ResourceType,
    existing: JsonObject,
    incoming: JsonObject,
    subresource: Subresource,
    options: WriteOptions,
  ): JsonObject {
    const hooks = hooksFor(resource.kind);
    const next =
      subresource === 'status' ? statusUpdate(existing, incoming) : mainUpdate(resource, existing, incoming);
    const meta = metaOf(next);
    meta.name = nameOf(existing);
    if (resource.namespaced) meta.namespace = namespaceOf(existing);
    else delete meta.namespace;
    const causes: FieldCause[] = prepareMetaForUpdate(next, existing);
    if (subresource === undefined) {
      hooks.applyDefaults?.(next);
      hooks.prepareForUpdate?.(next, existing);
    }
    if (resource.hasGeneration && !deepEqual(withoutMetaAndStatus(next), withoutMetaAndStatus(existing))) {
      meta.generation = (typeof meta.generation === 'number' ? meta.generation : 0) + 1;
    }
    causes.push(...validateObjectMeta(meta, hooks.nameRule, resource.namespaced));
    if (subresource === undefined) causes.push(...(hooks.validate?.(next, existing) ?? []));
    else causes.push(...(hooks.validateStatus?.(next) ?? []));
    if (causes.length > 0) throw invalid(resource, nameOf(existing), causes);

    const allocationCauses =
      subresource === undefined ? (hooks.allocate?.(next, existing, this.context) ?? []) : [];
    if (allocationCauses.length > 0) throw invalid(resource, nameOf(existing), allocationCauses);
    meta.resourceVersion = metaOf(existing).resourceVersion ?? '';
    if (deepEqual(next, existing)) return existing; // a no-op update writes nothing, as etcd3's GuaranteedUpdate
    if (options.dryRun) {
      hooks.release?.(next, existing, this.context);
      return next;
    }
    const key = resourceKey(resource);
    if (resource.kind !== 'Namespace' && isBeingDeleted(next) && finalizersOf(next).length === 0) {
      // The last finalizer is gone: the update completes the deletion (shouldDeleteDuringUpdate). As on the
      // real server the DELETED event carries the last stored state, not the update that emptied it.
      const removed = this.store.remove(key, namespaceOf(next), nameOf(next))!;
      hooks.release?.(existing, undefined, this.context);
      this.finalizeNamespaceIfDone(namespaceOf(next));
      return removed;
    }
    const stored = this.store.put(key, next);
    hooks.release?.(existing, stored, this.context);
    if (resource.kind === 'Namespace') this.finalizeNamespaceIfDone(nameOf(stored));
    return this.store.get(key, namespaceOf(stored), nameOf(stored)) ?? stored;
  }

  private deleteObject(resource: ResourceType, existing: JsonObject, options: WriteOptions): DeleteResult {
    const key = resourceKey(resource);
    if (finalizersOf(existing).length > 0) {
      if (isBeingDeleted(existing) || options.dryRun) return { object: existing, deleted: false };
      const next = deepClone(existing);
      metaOf(next).deletionTimestamp = timestamp(this.now());
      metaOf(next).deletionGracePeriodSeconds = 0;
      return { object: this.store.put(key, next), deleted: false };
    }
    if (options.dryRun) return { object: existing, deleted: true };
    const removed = this.store.remove(key, namespaceOf(existing), nameOf(existing))!;
    hooksFor(resource.kind).release?.(existing, undefined, this.context);
    if (resource.namespaced) this.finalizeNamespaceIfDone(namespaceOf(existing));
    return { object: removed, deleted: true };
  }

  /** Marks the namespace Terminating, deletes its contents, and removes it once nothing is left. */
  private deleteNamespace(existing: JsonObject, options: WriteOptions): DeleteResult {
    const name = nameOf(existing);
    if (IMMORTAL_NAMESPACES.has(name)) {
      throw new ApiError(
        403,
        'Forbidden',
        `namespaces "${name}" is forbidden: this namespace may not be deleted`,
        {
          name,
          kind: 'namespaces',
        },
      );
    }
    if (options.dryRun) return { object: existing, deleted: false };
    let current = existing;
    if (!isBeingDeleted(existing)) {
      const next = deepClone(existing);
      metaOf(next).deletionTimestamp = timestamp(this.now());
      metaOf(next).deletionGracePeriodSeconds = 0;
      next.status = { ...(isJsonObject(next.status) ? next.status : {}), phase: 'Terminating' };
      current = this.store.put(resourceKey(NAMESPACES), next);
    }
    for (const resource of RESOURCES) {
      if (!resource.namespaced) continue;
      for (const obj of this.store.list(resourceKey(resource), name))
        this.deleteObject(resource, obj, options);
    }
    this.finalizeNamespaceIfDone(name);
    return { object: current, deleted: false };
  }

  /** The namespace controller's last step: a Terminating namespace with no contents and no finalizers goes. */
  private finalizeNamespaceIfDone(name: string): void {
    const key = resourceKey(NAMESPACES);
    const ns = this.store.get(key, '', name);
    if (!ns || !isBeingDeleted(ns) || finalizersOf(ns).length > 0) return;
    const hasContents = RESOURCES.some(
      (r) => r.namespaced && this.store.list(resourceKey(r), name).length > 0,
    );
    if (!hasContents) this.store.remove(key, '', name);
  }

  private checkBody(resource: ResourceType, body: unknown): JsonObject {
    if (!isJsonObject(body)) throw badRequest('the body of the request must be a JSON object');
    const obj = deepClone(body);
    if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== resource.kind) {
      throw badRequest(
        `the kind in the body (${String(obj.kind)}) does not match the resource (${resource.kind})`,
      );
    }
    const apiVersion = apiVersionOf(resource);
    if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== apiVersion) {
      throw badRequest(
        `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${apiVersion})`,
      );
    }
    if (obj.metadata !== undefined && !isJsonObject(obj.metadata))
      throw badRequest('metadata must be an object');
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    return {
      apiVersion,
      kind: resource.kind,
      ...rest,
      metadata: isJsonObject(obj.metadata) ? obj.metadata : {},
    };
  }

  private checkNamespace(resource: ResourceType, namespace: string, obj: JsonObject): void {
    const meta = metaOf(obj);
    if (!resource.namespaced) {
      delete meta.namespace;
      return;
    }
    if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    meta.namespace = namespace;
  }

  private checkNamespaceOpen(resource: ResourceType, name: string, namespace: string): void {
    const ns = this.store.get(resourceKey(NAMESPACES), '', namespace);
    if (!ns) throw notFound(NAMESPACES, namespace);
    if (isBeingDeleted(ns)) throw namespaceTerminating(resource, name, namespace);
  }

  private checkPrecondition(
    resource: ResourceType,
    existing: JsonObject,
    requested: JsonValue | undefined,
  ): void {
    if (requested === undefined || requested === null || requested === '') return;
    if (requested !== metaOf(existing).resourceVersion) {
      throw conflict(resource, nameOf(existing), STALE_OBJECT_MESSAGE);
    }
  }

  private freshName(resource: ResourceType, namespace: string, prefix: string): string {
    for (let attempt = 0; attempt < 8; attempt++) {
      const candidate = generateName(prefix);
      if (!this.store.get(resourceKey(resource), namespace, candidate)) return candidate;
    }
    return generateName(prefix);
  }
}

function objectKey(obj: JsonObject): string {
  return `${namespaceOf(obj)}/${nameOf(obj)}`;
}
