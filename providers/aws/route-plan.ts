import { cidrContains, cidrsOverlap, type ParsedCidr, parseCidr } from '../../src/cidr.js';
import type { DesiredRoute, ObservedRoute, ObservedRoutes } from '../../src/model/route.js';
import type { Action, Plan, PlanConflict } from '../../src/plan.js';

export type RouteAction = Action<DesiredRoute, ObservedRoute>;

/** One desired route in one table, and how this plan stands toward it. */
export interface RouteCoverage {
  /** `<table>/<cidr>`, the id of the action that would make it so. */
  readonly id: string;
  readonly nodeName: string;
  /** `inSync`: already right; `action`: an action of the plan makes it right; `blocked`: a conflict prevents it. */
  readonly state: 'inSync' | 'action' | 'blocked';
}

/**
 * A route plan, plus every (table, desired route) pair it considered, so apply can tell which nodes are fully
 * routed — including nodes that needed no action at all — without reading the tables again.
 */
export interface RoutePlan extends Plan<DesiredRoute, ObservedRoute> {
  readonly coverage: readonly RouteCoverage[];
}

export interface PlanRoutesInput {
  readonly desired: readonly DesiredRoute[];
  readonly observed: ObservedRoutes;
  /** Only routes inside these ranges are ever created, replaced or deleted. */
  readonly clusterCidrs: readonly string[];
}

export const ROUTES_SCOPE = 'routes';

/** `rtb-0abc/10.244.1.0/24`: table ids never contain a slash, so the table is everything before the first. */
export function routeActionId(table: string, cidr: string): string {
  return `${table}/${cidr}`;
}

export function tableOfRouteAction(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}

/** Whether the route already sends traffic where `desired` wants it (moto reports only one of ENI and instance). */
export function routeReaches(route: ObservedRoute, desired: DesiredRoute): boolean {
  switch (route.targetKind) {
    case 'networkInterface':
      return desired.interfaceId !== ''
        ? route.targetId === desired.interfaceId
        : route.targetInstanceId === desired.instanceId;
    case 'instance':
      return route.targetId === desired.instanceId;
    default:
      return false;
  }
}

/** A route Skyway may change: proven ours by the observer, or a blackhole (its target is gone) in our table. */
function isOurs(route: ObservedRoute): boolean {
  return route.owned || route.targetKind === 'blackhole';
}

function describeTarget(route: ObservedRoute): string {
  switch (route.targetKind) {
    case 'instance':
      return `instance ${route.targetId}, which is not tagged for this cluster`;
    case 'networkInterface':
      return `network interface ${route.targetId}, which is not attached to an instance tagged for this cluster`;
    case 'gateway':
      return `gateway ${route.targetId}`;
    default:
      return route.targetId ? `target ${route.targetId}` : 'a target Skyway does not manage';
  }
}

interface Located {
  readonly route: ObservedRoute;
  readonly cidr: ParsedCidr;
}

interface Claim {
  readonly desired: DesiredRoute;
  readonly cidr: ParsedCidr;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** IPv4 before IPv6, then by address, then by prefix: `10.244.9.0/24` before `10.244.11.0/24`. */
function byCidr(a: ParsedCidr, b: ParsedCidr): number {
  if (a.family !== b.family) return a.family === 'ipv4' ? -1 : 1;
  const left = a.range[0].toByteArray();
  const right = b.range[0].toByteArray();
  for (let index = 0; index < left.length; index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return a.range[1] - b.range[1];
}

/** Actions and conflicts in table order, then CIDR order, so plans print and compare the same every time. */
function byId(a: { readonly id: string }, b: { readonly id: string }): number {
  const tables = byText(tableOfRouteAction(a.id), tableOfRouteAction(b.id));
  if (tables !== 0) return tables;
  const left = parseCidr(a.id.slice(a.id.indexOf('/') + 1));
  const right = parseCidr(b.id.slice(b.id.indexOf('/') + 1));
  return left && right ? byCidr(left, right) : byText(a.id, b.id);
}

/**
 * Pure: the smallest set of route changes that makes every cluster table of a network hold every desired route of
 * that network. A route is only created, replaced or deleted when it is inside the cluster CIDRs and is missing or
 * ours; anything foreign on (or overlapping) a pod CIDR becomes a conflict for the node whose CIDR it is, never an
 * action — moto's CreateRoute would silently overwrite it, so this is the only guard.
 */
export function planRouteChanges(input: PlanRoutesInput): RoutePlan {
  const cluster = input.clusterCidrs.map(parseCidr).filter((cidr) => cidr !== undefined);
  const inCluster = (cidr: ParsedCidr): boolean => cluster.some((range) => cidrContains(range, cidr));
  const tables = [...input.observed.tables].sort((a, b) => byText(a.id, b.id));

  const routesByTable = new Map<string, Located[]>(tables.map((table) => [table.id, []]));
  for (const route of input.observed.routes) {
    const cidr = parseCidr(route.destinationCidr);
    const list = routesByTable.get(route.table);
    if (cidr && list && inCluster(cidr)) list.push({ route, cidr });
  }

  const actions: RouteAction[] = [];
  const conflicts: PlanConflict[] = [];
  const coverage: RouteCoverage[] = [];

  const { winners, losers } = resolveClaims(input.desired, inCluster, tables, routesByTable, conflicts);

  for (const table of tables) {
    const located = routesByTable.get(table.id) ?? [];
    const inNetwork = (claim: Claim): boolean => claim.desired.network === table.network;
    for (const loser of losers.filter(inNetwork)) {
      const id = routeActionId(table.id, loser.cidr.text);
      const winner = winners.find((claim) => inNetwork(claim) && claim.cidr.text === loser.cidr.text);
      conflicts.push({
        id,
        object: loser.desired.nodeName,
        message: `pod CIDR ${loser.cidr.text} is also claimed by node ${winner?.desired.nodeName ?? '?'}, whose route wins in ${table.id}`,
      });
      coverage.push({ id, nodeName: loser.desired.nodeName, state: 'blocked' });
    }
    const claimed = new Set<string>();
    for (const claim of winners.filter(inNetwork)) {
      claimed.add(claim.cidr.text);
      const decision = decide(table.id, located, claim);
      if (decision.action) actions.push(decision.action);
      if (decision.conflict) conflicts.push(decision.conflict);
      coverage.push(decision.coverage);
    }
    for (const { route, cidr } of located) {
      if (claimed.has(cidr.text) || !isOurs(route)) continue;
      actions.push({ op: 'delete', id: routeActionId(table.id, cidr.text), observed: route });
    }
  }
  actions.sort(byId);
  conflicts.sort(byId);
  return { scope: ROUTES_SCOPE, actions, conflicts, coverage };
}

/**
 * What one table needs for one desired route: nothing when a route already reaches the node, a create when the
 * CIDR is free, a replace when the route there is ours (another of our instances, or a blackhole), and a conflict
 * when anything foreign sits on the CIDR or overlaps it.
 */
function decide(
  table: string,
  located: readonly Located[],
  { desired, cidr }: Claim,
): { action?: RouteAction; conflict?: PlanConflict; coverage: RouteCoverage } {
  const id = routeActionId(table, cidr.text);
  const cover = (state: RouteCoverage['state']): RouteCoverage => ({ id, nodeName: desired.nodeName, state });
  const foreign = located.find(
    (entry) => cidrsOverlap(entry.cidr, cidr) && !isOurs(entry.route) && !routeReaches(entry.route, desired),
  );
  if (foreign) {
    const where =
      foreign.cidr.text === cidr.text ? cidr.text : `${foreign.cidr.text}, which overlaps ${cidr.text},`;
    const message = `route ${where} in ${table} goes to ${describeTarget(foreign.route)}; Skyway leaves it unchanged`;
    return { conflict: { id, object: desired.nodeName, message }, coverage: cover('blocked') };
  }
  const exact = located.find((entry) => entry.cidr.text === cidr.text)?.route;
  if (!exact) return { action: { op: 'create', id, desired }, coverage: cover('action') };
  if (exact.targetKind !== 'blackhole' && routeReaches(exact, desired)) return { coverage: cover('inSync') };
  const reason =
    exact.targetKind === 'blackhole'
      ? `blackhole${exact.targetId ? ` (${exact.targetId} is gone)` : ''}`
      : `goes to ${exact.targetId}, not ${desired.interfaceId || desired.instanceId}`;
  return { action: { op: 'replace', id, desired, observed: exact, reason }, coverage: cover('action') };
}

/**
 * One node per (network, CIDR). When several claim the same CIDR, the node whose route is already in place keeps
 * it (no flapping when a second node shows up with a duplicate); otherwise the first by name. Desired routes
 * outside the cluster CIDRs are refused.
 */
function resolveClaims(
  desired: readonly DesiredRoute[],
  inCluster: (cidr: ParsedCidr) => boolean,
  tables: readonly { readonly id: string; readonly network: string }[],
  routesByTable: ReadonlyMap<string, readonly Located[]>,
  conflicts: PlanConflict[],
): { winners: Claim[]; losers: Claim[] } {
  const groups = new Map<string, Claim[]>();
  for (const route of desired) {
    const cidr = parseCidr(route.destinationCidr);
    if (!cidr || !inCluster(cidr)) {
      conflicts.push({
        id: `${route.network}/${route.destinationCidr}`,
        object: route.nodeName,
        message: `${route.destinationCidr} is not inside the cluster CIDRs; Skyway does not route it`,
      });
      continue;
    }
    const key = `${route.network} ${cidr.text}`;
    const group = groups.get(key) ?? [];
    if (!group.some((claim) => claim.desired.nodeName === route.nodeName))
      group.push({ desired: route, cidr });
    groups.set(key, group);
  }
  const winners: Claim[] = [];
  const losers: Claim[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => byText(a.desired.nodeName, b.desired.nodeName));
    const incumbent = group.find((claim) =>
      tables.some(
        (table) =>
          table.network === claim.desired.network &&
          (routesByTable.get(table.id) ?? []).some(
            (entry) => entry.cidr.text === claim.cidr.text && routeReaches(entry.route, claim.desired),
          ),
      ),
    );
    const winner = incumbent ?? group[0];
    for (const claim of group) (claim === winner ? winners : losers).push(claim);
  }
  const order = (a: Claim, b: Claim): number =>
    byCidr(a.cidr, b.cidr) || byText(a.desired.nodeName, b.desired.nodeName);
  return { winners: winners.sort(order), losers: losers.sort(order) };
}
