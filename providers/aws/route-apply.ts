import {
  CreateRouteCommand,
  DeleteRouteCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { parseCidr } from '../../src/cidr.js';
import { CloudError } from '../../src/errors.js';
import type { DesiredRoute, ObservedRoute } from '../../src/model/route.js';
import type { Plan } from '../../src/plan.js';
import type { RouteApplyResult } from '../provider.js';
import type { RouteAction, RouteCoverage } from './route-plan.js';
import { tableOfRouteAction } from './route-plan.js';
import { routeDestination, routeTarget } from './route-target.js';

export interface RouteApplierOptions {
  readonly ec2: EC2Client;
  /** Route writes in flight at once. */
  readonly concurrency: number;
}

type Failure = RouteApplyResult['failures'][number];

function destination(cidr: string, family: 'ipv4' | 'ipv6') {
  return family === 'ipv6' ? { DestinationIpv6CidrBlock: cidr } : { DestinationCidrBlock: cidr };
}

/** Routes target the primary ENI; the instance id only when the instance reported none. */
function target(desired: DesiredRoute) {
  return desired.interfaceId
    ? { NetworkInterfaceId: desired.interfaceId }
    : { InstanceId: desired.instanceId };
}

function hasCode(error: unknown, code: string): boolean {
  return error instanceof CloudError && error.code === code;
}

/**
 * Executes a route plan with bounded concurrency. Each step is idempotent: a create that finds the route already
 * there succeeds once a fresh read shows it going where it should, and a delete of a route already gone succeeds.
 */
export async function applyRoutePlan(
  options: RouteApplierOptions,
  plan: Plan<DesiredRoute, ObservedRoute>,
  signal: AbortSignal,
): Promise<RouteApplyResult> {
  const limit = pLimit(options.concurrency);
  const failures: Failure[] = [];
  const succeeded = new Set<string>();
  await Promise.all(
    plan.actions.map((action) =>
      limit(async () => {
        if (signal.aborted) throw signal.reason;
        try {
          await applyAction(options.ec2, action, signal);
          succeeded.add(action.id);
        } catch (error) {
          if (signal.aborted) throw error;
          failures.push({
            id: action.id,
            nodeName: action.op === 'delete' ? '' : action.desired.nodeName,
            error: error instanceof Error ? error : new Error(String(error)),
          });
        }
      }),
    ),
  );
  failures.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return { routedNodes: routedNodes(plan, succeeded, failures), failures };
}

async function applyAction(ec2: EC2Client, action: RouteAction, signal: AbortSignal): Promise<void> {
  switch (action.op) {
    case 'create': {
      const table = tableOfRouteAction(action.id);
      const { desired } = action;
      try {
        await ec2.send(
          new CreateRouteCommand({
            RouteTableId: table,
            ...destination(desired.destinationCidr, desired.family),
            ...target(desired),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (!hasCode(error, 'RouteAlreadyExists')) throw error;
        // Someone (an earlier apply cut short, another writer) made it first: fine only if it goes to our ENI.
        if (!(await routeIsInPlace(ec2, table, desired, signal))) throw error;
      }
      return;
    }
    case 'update':
    case 'replace':
      await ec2.send(
        new ReplaceRouteCommand({
          RouteTableId: action.observed.table,
          ...destination(action.observed.destinationCidr, action.observed.family),
          ...target(action.desired),
        }),
        { abortSignal: signal },
      );
      return;
    case 'delete':
      try {
        await ec2.send(
          new DeleteRouteCommand({
            RouteTableId: action.observed.table,
            ...destination(action.observed.destinationCidr, action.observed.family),
          }),
          { abortSignal: signal },
        );
      } catch (error) {
        if (!hasCode(error, 'InvalidRoute.NotFound')) throw error;
      }
      return;
  }
}

async function routeIsInPlace(
  ec2: EC2Client,
  table: string,
  desired: DesiredRoute,
  signal: AbortSignal,
): Promise<boolean> {
  const wanted = parseCidr(desired.destinationCidr)?.text;
  const described = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'route-table-id', Values: [table] }] }),
    { abortSignal: signal },
  );
  const routes = described.RouteTables?.find((candidate) => candidate.RouteTableId === table)?.Routes ?? [];
  const route = routes.find((candidate) => {
    const text = routeDestination(candidate);
    return text !== undefined && parseCidr(text)?.text === wanted;
  });
  if (!route) return false;
  const found = routeTarget(route);
  if (found.kind === 'blackhole') return false;
  return (
    (desired.interfaceId !== '' && found.interfaceId === desired.interfaceId) ||
    found.instanceId === desired.instanceId
  );
}

/**
 * Nodes whose every desired route is in place in every table of their network: already in sync, or made so by
 * an action that succeeded. Without the planner's coverage, only nodes touched by successful actions are known.
 */
function routedNodes(
  plan: Plan<DesiredRoute, ObservedRoute>,
  succeeded: ReadonlySet<string>,
  failures: readonly Failure[],
): string[] {
  // The contract's Plan has no coverage; plans from planRoutes carry it, and controllers hand them back (filtered
  // with a spread, which keeps it). A plan built elsewhere falls back to what its own actions show.
  const coverage = (plan as Partial<{ coverage: readonly RouteCoverage[] }>).coverage;
  const done = new Map<string, boolean>();
  const mark = (nodeName: string, ok: boolean) => done.set(nodeName, (done.get(nodeName) ?? true) && ok);
  if (coverage) {
    for (const entry of coverage) {
      mark(entry.nodeName, entry.state === 'inSync' || (entry.state === 'action' && succeeded.has(entry.id)));
    }
  } else {
    for (const action of plan.actions)
      if (action.op !== 'delete') mark(action.desired.nodeName, succeeded.has(action.id));
  }
  for (const failure of failures) if (failure.nodeName) mark(failure.nodeName, false);
  for (const conflict of plan.conflicts) mark(conflict.object, false);
  return [...done]
    .filter(([, ok]) => ok)
    .map(([nodeName]) => nodeName)
    .sort();
}
