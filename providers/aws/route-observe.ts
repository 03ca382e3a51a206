import {
  DescribeRouteTablesCommand,
  type EC2Client,
  type Filter,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { cidrContains, type ParsedCidr, parseCidr } from '../../src/cidr.js';
import type { ObservedRoute, ObservedRoutes, ObservedRouteTable } from '../../src/model/route.js';
import { allPages, chunk } from './batches.js';
import type { InstanceDirectory } from './instance-directory.js';
import { type RouteTarget, routeDestination, routeTarget } from './route-target.js';
import { clusterTagKey, isClusterMember } from './tags.js';

export interface RouteObserverOptions {
  readonly ec2: EC2Client;
  readonly directory: InstanceDirectory;
  readonly clusterName: string;
  readonly clusterCidrs: readonly ParsedCidr[];
  /** Exactly these tables; empty = the tables tagged `kubernetes.io/cluster/<cluster>` (owned or shared). */
  readonly routeTableIds: readonly string[];
}

/** DescribeRouteTables accepts 5..100 (moto ignores it and returns everything at once). */
const TABLE_PAGE_SIZE = 100;

/**
 * Reads the cluster's route tables in one paginated DescribeRouteTables (by the `route-table-id` filter, which,
 * unlike `RouteTableIds`, does not fail on a table that no longer exists), keeps the routes inside the cluster
 * CIDRs, and proves which are ours. Route filters are not used: moto answers `route.instance-id` and
 * `route.destination-ipv6-cidr-block` with HTTP 500.
 */
export async function observeRouteTables(
  options: RouteObserverOptions,
  signal: AbortSignal,
): Promise<ObservedRoutes> {
  const tables = await describeClusterTables(options, signal);
  const candidates: { table: string; destination: string; cidr: ParsedCidr; target: RouteTarget }[] = [];
  for (const table of tables) {
    for (const route of table.Routes ?? []) {
      const destination = routeDestination(route);
      const cidr = destination === undefined ? undefined : parseCidr(destination);
      // A route broader than the cluster CIDRs (a default route, the VPC's local route) is never ours.
      if (!cidr || !options.clusterCidrs.some((range) => cidrContains(range, cidr))) continue;
      candidates.push({
        table: table.RouteTableId ?? '',
        destination: destination ?? '',
        cidr,
        target: routeTarget(route),
      });
    }
  }

  const owners = await instanceBehind(
    candidates.map((candidate) => candidate.target),
    options,
    signal,
  );
  const routes: ObservedRoute[] = candidates.map(({ table, destination, cidr, target }) => {
    const instanceId =
      target.instanceId ?? (target.interfaceId ? owners.interfaces.get(target.interfaceId) : undefined);
    const instance = instanceId ? owners.instances.get(instanceId) : undefined;
    const owned =
      target.kind === 'blackhole' ||
      ((target.kind === 'instance' || target.kind === 'networkInterface') &&
        instance !== undefined &&
        isClusterMember(instance.tags, options.clusterName));
    return {
      table,
      destinationCidr: destination,
      family: cidr.family,
      targetKind: target.kind,
      targetId: target.id,
      ...(instanceId ? { targetInstanceId: instanceId } : {}),
      owned,
    };
  });
  const observedTables: ObservedRouteTable[] = tables.map((table) => ({
    id: table.RouteTableId ?? '',
    network: table.VpcId ?? '',
  }));
  return { tables: observedTables, routes };
}

async function describeClusterTables(
  options: RouteObserverOptions,
  signal: AbortSignal,
): Promise<RouteTable[]> {
  const explicit = options.routeTableIds.length > 0;
  const filters: Filter[][] = explicit
    ? chunk(options.routeTableIds).map((ids) => [{ Name: 'route-table-id', Values: ids }])
    : [[{ Name: 'tag-key', Values: [clusterTagKey(options.clusterName)] }]];
  const tables: RouteTable[] = [];
  for (const Filters of filters) {
    tables.push(
      ...(await allPages(async (nextToken) => {
        const page = await options.ec2.send(
          new DescribeRouteTablesCommand({ Filters, MaxResults: TABLE_PAGE_SIZE, NextToken: nextToken }),
          { abortSignal: signal },
        );
        const items = page.RouteTables ?? [];
        return page.NextToken ? { items, nextToken: page.NextToken } : { items };
      })),
    );
  }
  // The tag-key filter matches any value; only `owned` and `shared` make a table the cluster's.
  return explicit ? tables : tables.filter((table) => isClusterMember(table.Tags, options.clusterName));
}

/**
 * The instances behind instance and ENI targets, from the directory's cache when the nodes were just resolved;
 * otherwise one batched DescribeNetworkInterfaces (ENI → attached instance, for routes that name only the ENI, as
 * moto's do) and one batched DescribeInstances. Blackholes need no lookup: they are ours wherever they sit.
 */
async function instanceBehind(
  targets: readonly RouteTarget[],
  options: RouteObserverOptions,
  signal: AbortSignal,
) {
  const live = targets.filter((target) => target.kind === 'instance' || target.kind === 'networkInterface');
  const interfaceOnly = live.flatMap((target) =>
    target.instanceId === undefined && target.interfaceId !== undefined ? [target.interfaceId] : [],
  );
  const interfaces = await options.directory.interfaceOwners(interfaceOnly, signal);
  const instanceIds = [
    ...live.flatMap((target) => (target.instanceId ? [target.instanceId] : [])),
    ...[...interfaces.values()].filter((id) => id !== undefined),
  ];
  const instances = await options.directory.instances(instanceIds, signal);
  return { interfaces, instances };
}
