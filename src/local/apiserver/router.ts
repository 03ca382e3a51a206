import type { ResourceType } from './resources.js';
import { findResource } from './resources.js';

/**
 * Parses resource paths: `/api/v1/[namespaces/NS/]PLURAL[/NAME[/SUBRESOURCE]]` and the same under
 * `/apis/GROUP/VERSION`. Returns undefined for anything that is not a served resource path.
 */
export interface ResourceRoute {
  readonly resource: ResourceType;
  /** Set for namespaced paths; undefined for cluster-scoped or all-namespaces paths. */
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
}

export function parseResourcePath(path: string): ResourceRoute | undefined {
  const segments = path
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  let group: string;
  let version: string;
  let rest: string[];
  if (segments[0] === 'api' && segments.length >= 2) {
    group = '';
    version = segments[1]!;
    rest = segments.slice(2);
  } else if (segments[0] === 'apis' && segments.length >= 3) {
    group = segments[1]!;
    version = segments[2]!;
    rest = segments.slice(3);
  } else {
    return undefined;
  }
  let namespace: string | undefined;
  // `namespaces/NS/status` and `namespaces/NS/finalize` are the namespace's own subresources.
  if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status' && rest[2] !== 'finalize') {
    namespace = rest[1]!;
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  const resource = findResource(group, version, rest[0]!);
  if (!resource) return undefined;
  const name = rest[1];
  if (namespace !== undefined && !resource.namespaced) return undefined;
  if (namespace === undefined && resource.namespaced && name !== undefined) return undefined;
  const subresource = rest[2];
  if (subresource !== undefined && !(subresource === 'status' && resource.hasStatus)) return undefined;
  return { resource, namespace, name, subresource };
}
