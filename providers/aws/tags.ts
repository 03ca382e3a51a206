/**
 * Ownership on AWS, in one place (DESIGN.md, Conventions). A resource belongs to the cluster when it carries
 * `kubernetes.io/cluster/<cluster>` — the tag cloud-provider-aws, kops and EKS already put on node instances,
 * subnets and route tables — with `owned` (the cluster's alone) or `shared` (used by several clusters) as value.
 * Skyway's own resources also carry `skyway.dev/stack` and `skyway.dev/resource`.
 */
import type { Tag } from '@aws-sdk/client-ec2';

export type ClusterTagValue = 'owned' | 'shared';

/** Tags as EC2 returns them, or an already-built key → value map. */
export type TagsLike = readonly Tag[] | ReadonlyMap<string, string> | undefined;

export const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';
/** The stack a load-balancer resource belongs to: `service/<ns>/<name>`, `ingress/<group>`. */
export const STACK_TAG = 'skyway.dev/stack';
/** The stable diff key of one resource inside its stack. */
export const RESOURCE_TAG = 'skyway.dev/resource';

export function clusterTagKey(clusterName: string): string {
  return `${CLUSTER_TAG_PREFIX}${clusterName}`;
}

export function tagMap(tags: TagsLike): ReadonlyMap<string, string> {
  if (tags === undefined) return new Map();
  if (tags instanceof Map) return tags;
  const map = new Map<string, string>();
  for (const tag of tags as readonly Tag[]) {
    if (tag.Key !== undefined) map.set(tag.Key, tag.Value ?? '');
  }
  return map;
}

/** The cluster tag's value when it is one of the two meaningful ones; undefined otherwise. */
export function clusterTagValue(tags: TagsLike, clusterName: string): ClusterTagValue | undefined {
  const value = tagMap(tags).get(clusterTagKey(clusterName));
  return value === 'owned' || value === 'shared' ? value : undefined;
}

/**
 * Part of the cluster: tagged `owned` or `shared`. This is what makes a node instance's routes, and a route
 * table, ours to manage.
 */
export function isClusterMember(tags: TagsLike, clusterName: string): boolean {
  return clusterTagValue(tags, clusterName) !== undefined;
}

/** The cluster's alone (`owned`): what Skyway may delete outright, unlike a `shared` resource. */
export function isClusterOwned(tags: TagsLike, clusterName: string): boolean {
  return clusterTagValue(tags, clusterName) === 'owned';
}

/** The tags Skyway puts on a resource it creates for a stack. */
export function skywayTags(options: {
  readonly clusterName: string;
  readonly stack: string;
  readonly resource: string;
}): Tag[] {
  return [
    { Key: clusterTagKey(options.clusterName), Value: 'owned' },
    { Key: STACK_TAG, Value: options.stack },
    { Key: RESOURCE_TAG, Value: options.resource },
  ];
}

/** Owned by this cluster and part of `stack`: the only resources a stack's plan may change or delete. */
export function isOwnedByStack(
  tags: TagsLike,
  options: { readonly clusterName: string; readonly stack: string },
): boolean {
  return isClusterOwned(tags, options.clusterName) && tagMap(tags).get(STACK_TAG) === options.stack;
}

/**
 * The full tag set of a resource Skyway creates for a stack, as a key → value record: the user's additional tags
 * first, so the ownership tags always win over an annotation that names the same key.
 */
export function stackResourceTags(options: {
  readonly clusterName: string;
  readonly stack: string;
  readonly resource: string;
  readonly extra?: Readonly<Record<string, string>>;
}): Record<string, string> {
  const tags: Record<string, string> = { ...options.extra };
  for (const tag of skywayTags(options)) tags[tag.Key ?? ''] = tag.Value ?? '';
  return tags;
}

/** A key → value record as the `[{ Key, Value }]` list both EC2 and ELBv2 take. */
export function tagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}
