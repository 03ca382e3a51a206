import type { JsonObject } from './json.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf, RESOURCES } from './resources.js';

/**
 * The legacy discovery documents (/version, /api, /apis, /api/v1, /apis/<group>[/<version>]). kubectl asks
 * for aggregated discovery first and falls back to these when the reply's Content-Type is plain JSON.
 */
export const SERVER_VERSION: JsonObject = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.0-skyway',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-01-01T00:00:00Z',
  goVersion: 'go1.23.4',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function groups(): Map<string, ResourceType[]> {
  const byGroup = new Map<string, ResourceType[]>();
  for (const resource of RESOURCES) {
    if (!resource.group) continue;
    byGroup.set(resource.group, [...(byGroup.get(resource.group) ?? []), resource]);
  }
  return byGroup;
}

function apiGroup(name: string, resources: readonly ResourceType[]): JsonObject {
  const versions = [...new Set(resources.map((r) => r.version))].map((version) => ({
    groupVersion: `${name}/${version}`,
    version,
  }));
  return { name, versions, preferredVersion: versions[0]! };
}

function apiResources(resources: readonly ResourceType[]): JsonObject[] {
  const list: JsonObject[] = [];
  for (const r of resources) {
    const entry: JsonObject = {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
    };
    if (r.shortNames.length > 0) entry.shortNames = [...r.shortNames];
    if (r.categories.length > 0) entry.categories = [...r.categories];
    list.push(entry);
    if (r.hasStatus) {
      list.push({
        name: `${r.plural}/status`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: ['get', 'patch', 'update'],
      });
    }
  }
  return list;
}

/** The discovery document at `path`, or undefined when the path is not a discovery path. */
export function discoveryDocument(path: string, serverAddress: string): JsonObject | undefined {
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '/version') return SERVER_VERSION;
  if (trimmed === '/api') {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }
  if (trimmed === '/apis') {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [...groups()].map(([name, resources]) => apiGroup(name, resources)),
    };
  }
  if (trimmed === '/api/v1') {
    return {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: apiResources(RESOURCES.filter((r) => r.group === '')),
    };
  }
  const match = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(trimmed);
  if (!match) return undefined;
  const members = groups().get(match[1]!);
  if (!members) return undefined;
  if (match[2] === undefined) return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(match[1]!, members) };
  const inVersion = members.filter((r) => r.version === match[2]);
  if (inVersion.length === 0) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: apiVersionOf(inVersion[0]!),
    resources: apiResources(inVersion),
  };
}
