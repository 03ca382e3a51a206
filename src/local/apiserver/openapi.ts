import type { JsonObject } from './json.js';
import type { ResourceType } from './resources.js';
import { RESOURCES } from './resources.js';

/**
 * A minimal OpenAPI v3 (/openapi/v3 and one document per group-version). kubectl reads it to decide whether
 * the server validates fields itself: each resource's PATCH operation names its GroupVersionKind and takes
 * the `fieldValidation` query parameter, so kubectl sends `fieldValidation=Strict` instead of validating
 * client-side (which needs the protobuf /openapi/v2). Schemas are omitted; kubectl apply then computes
 * strategic merge patches from its compiled-in types, as it does for any kind without a schema.
 */
function groupVersionPath(resource: ResourceType): string {
  return resource.group ? `apis/${resource.group}/${resource.version}` : `api/${resource.version}`;
}

function operation(resource: ResourceType, action: string): JsonObject {
  return {
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': {
      group: resource.group,
      version: resource.version,
      kind: resource.kind,
    },
    parameters: [
      { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
      { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
    ],
    responses: { '200': { description: 'OK' } },
  };
}

function resourcePaths(resource: ResourceType): JsonObject {
  const base = `/${groupVersionPath(resource)}${resource.namespaced ? '/namespaces/{namespace}' : ''}/${resource.plural}`;
  const paths: JsonObject = {
    [base]: { post: operation(resource, 'post') },
    [`${base}/{name}`]: { put: operation(resource, 'put'), patch: operation(resource, 'patch') },
  };
  if (resource.hasStatus) {
    paths[`${base}/{name}/status`] = { put: operation(resource, 'put'), patch: operation(resource, 'patch') };
  }
  return paths;
}

export function openApiDocument(path: string): JsonObject | undefined {
  if (path === '/openapi/v3' || path === '/openapi/v3/') {
    const paths: JsonObject = {};
    for (const resource of RESOURCES) {
      const gv = groupVersionPath(resource);
      paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=skyway-local` };
    }
    return { paths };
  }
  if (!path.startsWith('/openapi/v3/')) return undefined;
  const gv = path.slice('/openapi/v3/'.length);
  const members = RESOURCES.filter((r) => groupVersionPath(r) === gv);
  if (members.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: Object.assign({}, ...members.map(resourcePaths)) as JsonObject,
    components: { schemas: {} },
  };
}
