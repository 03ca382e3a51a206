import {
  DescribeInstancesCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type Instance,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { allPages } from './batches.js';
import { clusterTagKey, isClusterMember, STACK_TAG, tagMap } from './tags.js';

export interface NodeSecurityGroupMap {
  /** Instance id → the group that takes load-balancer rules. */
  readonly byInstance: Readonly<Record<string, string>>;
  /** Instance id → why no group could be chosen. */
  readonly problems: Readonly<Record<string, string>>;
  /** The VPC most cluster instances run in. */
  readonly vpcId: string | undefined;
  /** Every cluster instance the listing saw, terminated ones included (they need no rule, but are not news). */
  readonly known: ReadonlySet<string>;
}

export interface NodeSecurityGroupsOptions {
  readonly ec2: EC2Client;
  readonly clusterName: string;
  /** How long one listing is trusted. Default 30 000 ms. */
  readonly ttlMs?: number;
  /** A listing younger than this is not refreshed for unknown instances. Default 2 000 ms. */
  readonly minRefreshMs?: number;
  readonly now?: () => number;
}

/**
 * Which security group of each node instance admits a load balancer, chosen as cloud-provider-aws does
 * (`findSecurityGroupForInstance`): the instance's one group tagged for the cluster; failing that, its only group.
 * Several tagged groups is an error the admin must fix. One listing of the cluster's instances and one of its
 * tagged groups serve every load balancer for `ttlMs`, so a reconcile of many Services costs two calls, not two
 * per Service.
 */
export class NodeSecurityGroups {
  readonly #options: NodeSecurityGroupsOptions;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #cached: { readonly at: number; readonly value: Promise<NodeSecurityGroupMap> } | undefined;

  constructor(options: NodeSecurityGroupsOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? 30_000;
    this.#now = options.now ?? Date.now;
  }

  resolve(signal: AbortSignal): Promise<NodeSecurityGroupMap> {
    const now = this.#now();
    if (this.#cached && now - this.#cached.at < this.#ttlMs) return this.#cached.value;
    const value = this.#load(signal);
    this.#cached = { at: now, value };
    // A failed listing is not remembered: the next reconcile asks again.
    value.catch(() => {
      if (this.#cached?.value === value) this.#cached = undefined;
    });
    return value;
  }

  /**
   * The listing, read again when it does not know some of `instanceIds` (nodes that joined since it was made) and
   * is older than `minRefreshMs`.
   */
  async resolveIncluding(instanceIds: readonly string[], signal: AbortSignal): Promise<NodeSecurityGroupMap> {
    const cached = this.#cached;
    const current = await this.resolve(signal);
    const stale = cached !== undefined && this.#now() - cached.at >= (this.#options.minRefreshMs ?? 2_000);
    if (!stale || instanceIds.every((id) => current.known.has(id))) return current;
    this.invalidate();
    return this.resolve(signal);
  }

  /** Forgets the listing (a node joined, or a test changed the cloud). */
  invalidate(): void {
    this.#cached = undefined;
  }

  async #load(signal: AbortSignal): Promise<NodeSecurityGroupMap> {
    const { ec2, clusterName } = this.#options;
    const tagKey = clusterTagKey(clusterName);
    const [instances, groups] = await Promise.all([
      allPages<Instance>(async (nextToken) => {
        const page = await ec2.send(
          new DescribeInstancesCommand({
            Filters: [{ Name: 'tag-key', Values: [tagKey] }],
            MaxResults: 1000,
            NextToken: nextToken,
          }),
          { abortSignal: signal },
        );
        const items = (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
        return page.NextToken ? { items, nextToken: page.NextToken } : { items };
      }),
      allPages<SecurityGroup>(async (nextToken) => {
        const page = await ec2.send(
          new DescribeSecurityGroupsCommand({
            Filters: [{ Name: 'tag-key', Values: [tagKey] }],
            MaxResults: 1000,
            NextToken: nextToken,
          }),
          { abortSignal: signal },
        );
        const items = page.SecurityGroups ?? [];
        return page.NextToken ? { items, nextToken: page.NextToken } : { items };
      }),
    ]);
    // Load balancers' own groups carry the cluster tag too; they are never node groups.
    const tagged = new Set(
      groups
        .filter((group) => isClusterMember(group.Tags, clusterName) && !tagMap(group.Tags).has(STACK_TAG))
        .map((group) => group.GroupId ?? ''),
    );
    const byInstance: Record<string, string> = {};
    const problems: Record<string, string> = {};
    const vpcCounts = new Map<string, number>();
    const known = new Set<string>();
    for (const instance of instances) {
      const id = instance.InstanceId;
      if (!id || !isClusterMember(instance.Tags, clusterName)) continue;
      known.add(id);
      const state = instance.State?.Name;
      if (state === 'terminated' || state === 'shutting-down') continue;
      if (instance.VpcId) vpcCounts.set(instance.VpcId, (vpcCounts.get(instance.VpcId) ?? 0) + 1);
      const choice = chooseGroup(
        (instance.SecurityGroups ?? [])
          .map((group) => group.GroupId ?? '')
          .filter((groupId) => groupId !== ''),
        tagged,
        clusterName,
      );
      if ('group' in choice) byInstance[id] = choice.group;
      else if (choice.problem) problems[id] = `instance ${id}: ${choice.problem}`;
    }
    const vpcId = [...vpcCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    return { byInstance, problems, vpcId, known };
  }
}

export function chooseGroup(
  groups: readonly string[],
  tagged: ReadonlySet<string>,
  clusterName: string,
): { readonly group: string } | { readonly problem: string | undefined } {
  const taggedGroups = [...new Set(groups.filter((group) => tagged.has(group)))];
  const [onlyTagged] = taggedGroups;
  if (taggedGroups.length === 1 && onlyTagged) return { group: onlyTagged };
  if (taggedGroups.length > 1) {
    return {
      problem: `several security groups tagged ${clusterTagKey(clusterName)} (${taggedGroups.join(', ')}); tag only the nodes' group`,
    };
  }
  const untagged = [...new Set(groups)];
  const [only] = untagged;
  if (untagged.length === 1 && only) return { group: only };
  if (untagged.length > 1) {
    return {
      problem: `several security groups (${untagged.join(', ')}) and none tagged ${clusterTagKey(clusterName)}; tag the nodes' group`,
    };
  }
  return { problem: undefined };
}
