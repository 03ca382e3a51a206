import type { ServiceAllocators } from './allocators.js';
import type { FieldCause } from './api-errors.js';
import { invalidValue, notSupported, required } from './api-errors.js';
import { validateEvent } from './event-rules.js';
import { validateIngress } from './ingress-rules.js';
import type { JsonObject } from './json.js';
import { childObject, isJsonObject } from './json.js';
import { defaultNodeSpec, validateNode } from './node-rules.js';
import { metaOf, nameOf } from './object-meta.js';
import { allocateService, releaseService } from './service-allocation.js';
import { defaultService, dropTypeDependentFields, patchAllocatedValues } from './service-defaults.js';
import { validateService } from './service-validation.js';
import { statusOf, validateLoadBalancerStatus } from './status-validation.js';
import type { NameRule } from './validation.js';

/**
 * The per-kind parts of each registry strategy (PrepareForCreate, defaulting, PrepareForUpdate, Validate,
 * status validation, allocation). Everything generic lives in the registry.
 */
export interface HookContext {
  readonly allocators: ServiceAllocators;
}

export interface KindHooks {
  readonly nameRule: NameRule;
  /** PrepareForCreate beyond metadata: typically resets status. */
  prepareForCreate?(obj: JsonObject): void;
  /** Scheme defaulting, applied to every write of the main resource. */
  applyDefaults?(obj: JsonObject): void;
  /** PrepareForUpdate of the main resource beyond carrying status over. */
  prepareForUpdate?(obj: JsonObject, old: JsonObject): void;
  validate?(obj: JsonObject, old: JsonObject | undefined): FieldCause[];
  validateStatus?(obj: JsonObject): FieldCause[];
  /** Claims values (IPs, ports), all or nothing; called after validation passed. */
  allocate?(obj: JsonObject, old: JsonObject | undefined, context: HookContext): FieldCause[];
  /** Gives back what `before` held that `after` (undefined once deleted) no longer does. */
  release?(before: JsonObject, after: JsonObject | undefined, context: HookContext): void;
}

const SUBDOMAIN: KindHooks = { nameRule: 'dns1123-subdomain' };

const SERVICE: KindHooks = {
  nameRule: 'dns1035-label',
  prepareForCreate: (obj) => {
    obj.status = { loadBalancer: {} };
  },
  applyDefaults: defaultService,
  prepareForUpdate: (obj, old) => {
    dropTypeDependentFields(obj, old);
    patchAllocatedValues(obj, old);
  },
  validate: validateService,
  validateStatus: (obj) =>
    validateLoadBalancerStatus(statusOf(obj).loadBalancer, 'status.loadBalancer', true),
  allocate: (obj, old, context) => allocateService(obj, old, context.allocators),
  release: (before, after, context) => releaseService(before, after, context.allocators),
};

const NAMESPACE: KindHooks = {
  nameRule: 'dns1123-label',
  prepareForCreate: (obj) => {
    obj.status = { phase: 'Active' };
    const spec = childObject(obj, 'spec');
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers : [];
    if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  },
  // SetDefaults_Namespace: the immutable name label every namespace carries.
  applyDefaults: (obj) => {
    childObject(metaOf(obj), 'labels')['kubernetes.io/metadata.name'] = nameOf(obj);
  },
  // spec.finalizers only change through the namespace's finalize subresource.
  prepareForUpdate: (obj, old) => {
    const oldSpec = isJsonObject(old.spec) ? old.spec : {};
    if (oldSpec.finalizers !== undefined) childObject(obj, 'spec').finalizers = oldSpec.finalizers;
  },
};

const SECRET: KindHooks = {
  nameRule: 'dns1123-subdomain',
  applyDefaults: (obj) => {
    obj.type ??= 'Opaque';
    const stringData = obj.stringData;
    if (isJsonObject(stringData)) {
      const data = childObject(obj, 'data');
      for (const [key, value] of Object.entries(stringData)) {
        data[key] = Buffer.from(String(value)).toString('base64');
      }
    }
    delete obj.stringData;
  },
};

const EVENT: KindHooks = { nameRule: 'dns1123-subdomain', validate: validateEvent };

const NODE: KindHooks = {
  nameRule: 'dns1123-subdomain',
  applyDefaults: defaultNodeSpec,
  validate: validateNode,
};

const LEASE: KindHooks = {
  nameRule: 'dns1123-subdomain',
  // ValidateLeaseSpec: a lease that never expires or with negative transitions is refused.
  validate: (obj) => {
    const spec = isJsonObject(obj.spec) ? obj.spec : {};
    const causes: FieldCause[] = [];
    const duration = spec.leaseDurationSeconds;
    if (typeof duration === 'number' && duration <= 0) {
      causes.push(invalidValue('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
    }
    const transitions = spec.leaseTransitions;
    if (typeof transitions === 'number' && transitions < 0) {
      causes.push(invalidValue('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
    }
    return causes;
  },
};

const INGRESS: KindHooks = {
  nameRule: 'dns1123-subdomain',
  prepareForCreate: (obj) => {
    obj.status = { loadBalancer: {} };
  },
  validate: validateIngress,
  validateStatus: (obj) =>
    validateLoadBalancerStatus(statusOf(obj).loadBalancer, 'status.loadBalancer', false),
};

const ENDPOINT_SLICE: KindHooks = {
  nameRule: 'dns1123-subdomain',
  validate: (obj) => {
    const types = ['FQDN', 'IPv4', 'IPv6'];
    if (obj.addressType === undefined) return [required('addressType')];
    if (!types.includes(String(obj.addressType)))
      return [notSupported('addressType', obj.addressType, types)];
    return [];
  },
};

const POD: KindHooks = {
  nameRule: 'dns1123-subdomain',
  prepareForCreate: (obj) => {
    obj.status = { phase: 'Pending' };
  },
  validate: (obj) => {
    const spec = isJsonObject(obj.spec) ? obj.spec : {};
    return Array.isArray(spec.containers) && spec.containers.length > 0 ? [] : [required('spec.containers')];
  },
};

const BY_KIND: Readonly<Record<string, KindHooks>> = {
  Pod: POD,
  Service: SERVICE,
  Namespace: NAMESPACE,
  Secret: SECRET,
  Event: EVENT,
  Node: NODE,
  Lease: LEASE,
  Ingress: INGRESS,
  EndpointSlice: ENDPOINT_SLICE,
};

export function hooksFor(kind: string): KindHooks {
  return BY_KIND[kind] ?? SUBDOMAIN;
}
