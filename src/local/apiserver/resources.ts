import type { JsonObject } from './json.js';
import { stringAt } from './json.js';

/**
 * The table of resources this server serves: what discovery advertises, how paths are parsed, and the
 * per-kind behaviours of the real registry (generation, create-on-update, what DELETE returns, which
 * fields a fieldSelector may name).
 */
export interface ResourceType {
  readonly group: string; // '' for the core (legacy) group
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  readonly hasStatus: boolean;
  /** The strategy sets generation 1 on create and bumps it when spec changes (Ingress, EndpointSlice...). */
  readonly hasGeneration: boolean;
  /** PUT of a missing object creates it (the strategy's AllowCreateOnUpdate). */
  readonly createOnUpdate: boolean;
  /** DELETE answers with the deleted object rather than a Success Status. */
  readonly returnDeletedObject: boolean;
  /** Fields a fieldSelector may use besides metadata.name/metadata.namespace. */
  readonly selectableFields: Readonly<Record<string, (obj: JsonObject) => string>>;
}

const field = (path: string) => (obj: JsonObject) => stringAt(obj, path);

function resource(
  spec: Partial<ResourceType> & Pick<ResourceType, 'group' | 'kind' | 'plural' | 'namespaced'>,
): ResourceType {
  return {
    version: 'v1',
    singular: spec.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    hasStatus: false,
    hasGeneration: false,
    createOnUpdate: false,
    returnDeletedObject: false,
    selectableFields: {},
    ...spec,
  };
}

export const RESOURCES: readonly ResourceType[] = [
  resource({
    group: '',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    hasStatus: true,
    selectableFields: { 'status.phase': field('status.phase') },
  }),
  resource({
    group: '',
    kind: 'Node',
    plural: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    hasStatus: true,
    selectableFields: { 'spec.unschedulable': (obj) => stringAt(obj, 'spec.unschedulable') || 'false' },
  }),
  resource({
    group: '',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    hasStatus: true,
    createOnUpdate: true,
    returnDeletedObject: true,
    selectableFields: { 'spec.type': field('spec.type'), 'spec.clusterIP': field('spec.clusterIP') },
  }),
  resource({
    group: '',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    hasStatus: true,
    returnDeletedObject: true,
    // Served because `kubectl describe node` lists the pods on the node; no controller here runs them.
    selectableFields: {
      'spec.nodeName': field('spec.nodeName'),
      'spec.restartPolicy': field('spec.restartPolicy'),
      'spec.schedulerName': field('spec.schedulerName'),
      'spec.serviceAccountName': field('spec.serviceAccountName'),
      'spec.hostNetwork': (obj) => stringAt(obj, 'spec.hostNetwork') || 'false',
      'status.phase': field('status.phase'),
      'status.podIP': field('status.podIP'),
      'status.nominatedNodeName': field('status.nominatedNodeName'),
    },
  }),
  resource({
    group: '',
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    createOnUpdate: true,
  }),
  resource({
    group: '',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    shortNames: ['ev'],
    createOnUpdate: true,
    selectableFields: {
      'involvedObject.kind': field('involvedObject.kind'),
      'involvedObject.namespace': field('involvedObject.namespace'),
      'involvedObject.name': field('involvedObject.name'),
      'involvedObject.uid': field('involvedObject.uid'),
      'involvedObject.apiVersion': field('involvedObject.apiVersion'),
      'involvedObject.resourceVersion': field('involvedObject.resourceVersion'),
      'involvedObject.fieldPath': field('involvedObject.fieldPath'),
      reason: field('reason'),
      reportingComponent: field('reportingComponent'),
      source: field('source.component'),
      type: field('type'),
    },
  }),
  resource({
    group: '',
    kind: 'Secret',
    plural: 'secrets',
    namespaced: true,
    selectableFields: { type: field('type') },
  }),
  resource({
    group: '',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
  }),
  resource({ group: '', kind: 'ConfigMap', plural: 'configmaps', namespaced: true, shortNames: ['cm'] }),
  resource({
    group: 'discovery.k8s.io',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
    hasGeneration: true,
  }),
  resource({
    group: 'networking.k8s.io',
    kind: 'Ingress',
    plural: 'ingresses',
    namespaced: true,
    shortNames: ['ing'],
    hasStatus: true,
    hasGeneration: true,
  }),
  resource({
    group: 'networking.k8s.io',
    kind: 'IngressClass',
    plural: 'ingressclasses',
    namespaced: false,
    hasGeneration: true,
  }),
  resource({
    group: 'coordination.k8s.io',
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    createOnUpdate: true,
  }),
];

export function apiVersionOf(resource: ResourceType): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** `services` or `ingresses.networking.k8s.io`, as Status messages name a resource. */
export function qualifiedResource(resource: ResourceType): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** `Service` or `Ingress.networking.k8s.io`, as Invalid messages name a kind. */
export function qualifiedKind(resource: ResourceType): string {
  return resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
}

export function findResource(group: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

export function resourceByKind(kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

/** Store key for a resource type; unique across groups. */
export function resourceKey(resource: ResourceType): string {
  return `${resource.plural}.${resource.group}`;
}
