import { describe, expect, it } from 'vitest';
import { planRouteChanges, tableOfRouteAction } from '../../../providers/aws/route-plan.js';
import type {
  DesiredRoute,
  ObservedRoute,
  ObservedRouteTable,
  RouteTargetKind,
} from '../../../src/model/route.js';

const CLUSTER_CIDRS = ['10.244.0.0/16', 'fd00:10:244::/56'];
const A: ObservedRouteTable = { id: 'rtb-a', network: 'vpc-1' };
const B: ObservedRouteTable = { id: 'rtb-b', network: 'vpc-1' };
const OTHER_VPC: ObservedRouteTable = { id: 'rtb-c', network: 'vpc-2' };

/** Node `n` runs instance `i-n` whose primary ENI is `eni-n`. */
function want(nodeName: string, cidr: string, options: Partial<DesiredRoute> = {}): DesiredRoute {
  return {
    nodeName,
    destinationCidr: cidr,
    family: cidr.includes(':') ? 'ipv6' : 'ipv4',
    instanceId: `i-${nodeName}`,
    interfaceId: `eni-${nodeName}`,
    network: 'vpc-1',
    clusterOwned: true,
    ...options,
  };
}

function seen(
  table: ObservedRouteTable,
  cidr: string,
  kind: RouteTargetKind,
  targetId: string,
  owned: boolean,
  targetInstanceId?: string,
): ObservedRoute {
  return {
    table: table.id,
    destinationCidr: cidr,
    family: cidr.includes(':') ? 'ipv6' : 'ipv4',
    targetKind: kind,
    targetId,
    ...(targetInstanceId ? { targetInstanceId } : {}),
    owned,
  };
}

interface Case {
  readonly name: string;
  readonly tables?: readonly ObservedRouteTable[];
  readonly desired: readonly DesiredRoute[];
  readonly routes: readonly ObservedRoute[];
  /** `op id`, or `replace id (reason contains…)` checked separately. */
  readonly actions: readonly string[];
  /** `[id, node]`. */
  readonly conflicts?: readonly (readonly [string, string])[];
}

const cases: readonly Case[] = [
  {
    name: 'creates a missing route',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [],
    actions: ['create rtb-a/10.244.1.0/24'],
  },
  {
    name: 'keeps a route that already targets the desired ENI',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1')],
    actions: [],
  },
  {
    name: 'keeps a route made by instance id to the desired instance (moto shows only that key)',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'instance', 'i-n1', true, 'i-n1')],
    actions: [],
  },
  {
    name: 'keeps the route of an untagged node instance: it reaches the right place, ours or not',
    desired: [want('n1', '10.244.1.0/24', { clusterOwned: false })],
    routes: [seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', false, 'i-n1')],
    actions: [],
  },
  {
    name: 'replaces a route to another of our instances',
    desired: [want('n2', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1')],
    actions: ['replace rtb-a/10.244.1.0/24'],
  },
  {
    name: "replaces a route to a secondary ENI of the node's own instance with one to its primary ENI",
    desired: [want('n1', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1-second', true, 'i-n1')],
    actions: ['replace rtb-a/10.244.1.0/24'],
  },
  {
    name: 'replaces a blackhole, whatever its old target',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'blackhole', 'eni-gone', false)],
    actions: ['replace rtb-a/10.244.1.0/24'],
  },
  {
    name: 'replaces a blackhole even when it names the desired ENI',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'blackhole', 'eni-n1', true)],
    actions: ['replace rtb-a/10.244.1.0/24'],
  },
  {
    name: 'refuses a CIDR held by an untagged instance (conflict, no action)',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'instance', 'i-appliance', false, 'i-appliance')],
    actions: [],
    conflicts: [['rtb-a/10.244.1.0/24', 'n1']],
  },
  {
    name: 'refuses a CIDR held by a gateway, and a CIDR overlapped by a broader foreign route',
    desired: [want('n1', '10.244.1.0/24'), want('n2', '10.244.17.0/24')],
    routes: [
      seen(A, '10.244.1.0/24', 'gateway', 'igw-1', false),
      seen(A, '10.244.16.0/20', 'networkInterface', 'eni-vpn', false),
    ],
    actions: [],
    conflicts: [
      ['rtb-a/10.244.1.0/24', 'n1'],
      ['rtb-a/10.244.17.0/24', 'n2'],
    ],
  },
  {
    name: 'refuses a CIDR overlapped by a narrower foreign route, without touching our exact route',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [
      seen(A, '10.244.1.0/24', 'networkInterface', 'eni-old', true, 'i-old'),
      seen(A, '10.244.1.128/25', 'other', 'pcx-1', false),
    ],
    actions: [],
    conflicts: [['rtb-a/10.244.1.0/24', 'n1']],
  },
  {
    name: 'never touches routes outside the cluster CIDRs, even ours',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [
      seen(A, '192.168.0.0/16', 'networkInterface', 'eni-n9', true, 'i-n9'),
      seen(A, '10.0.0.0/8', 'gateway', 'tgw-1', false),
      seen(A, '0.0.0.0/0', 'gateway', 'igw-1', false),
    ],
    actions: ['create rtb-a/10.244.1.0/24'],
  },
  {
    name: 'refuses a desired route outside the cluster CIDRs',
    desired: [want('n1', '172.16.0.0/24')],
    routes: [],
    actions: [],
    conflicts: [['vpc-1/172.16.0.0/24', 'n1']],
  },
  {
    name: 'never touches a local route, even inside the cluster CIDRs',
    desired: [],
    routes: [seen(A, '10.244.0.0/16', 'gateway', 'local', false)],
    actions: [],
  },
  {
    name: 'deletes our routes (instance, ENI, blackhole) that match no node, and nothing foreign',
    desired: [want('n1', '10.244.1.0/24')],
    routes: [
      seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1'),
      seen(A, '10.244.2.0/24', 'networkInterface', 'eni-n2', true, 'i-n2'),
      seen(A, '10.244.3.0/24', 'instance', 'i-n3', true, 'i-n3'),
      seen(A, '10.244.4.0/24', 'blackhole', '', false),
      seen(A, '10.244.5.0/24', 'instance', 'i-appliance', false, 'i-appliance'),
      seen(A, '10.244.6.0/24', 'networkInterface', 'eni-free', false),
    ],
    actions: ['delete rtb-a/10.244.2.0/24', 'delete rtb-a/10.244.3.0/24', 'delete rtb-a/10.244.4.0/24'],
  },
  {
    name: 'puts every route in every table of the network, and only there',
    tables: [A, B],
    desired: [want('n1', '10.244.1.0/24'), want('n2', '10.244.2.0/24')],
    routes: [
      seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1'),
      seen(
        { id: 'rtb-unknown', network: 'vpc-1' },
        '10.244.9.0/24',
        'networkInterface',
        'eni-n9',
        true,
        'i-n9',
      ),
    ],
    actions: ['create rtb-a/10.244.2.0/24', 'create rtb-b/10.244.1.0/24', 'create rtb-b/10.244.2.0/24'],
  },
  {
    name: 'handles IPv6 like IPv4, comparing CIDRs in canonical form',
    desired: [want('n1', 'fd00:10:244:0001::/64'), want('n2', 'fd00:10:244:2::/64')],
    routes: [
      seen(A, 'fd00:10:244:1::/64', 'networkInterface', 'eni-n1', true, 'i-n1'),
      seen(A, 'fd00:10:244:3::/64', 'networkInterface', 'eni-n3', true, 'i-n3'),
      seen(A, 'fd00:10:244:4::/64', 'instance', 'i-appliance', false, 'i-appliance'),
    ],
    actions: ['create rtb-a/fd00:10:244:2::/64', 'delete rtb-a/fd00:10:244:3::/64'],
  },
  {
    name: "gives a node's route only to tables of its own VPC",
    tables: [A, OTHER_VPC],
    desired: [want('n1', '10.244.1.0/24'), want('n2', '10.244.2.0/24', { network: 'vpc-2' })],
    routes: [seen(A, '10.244.2.0/24', 'networkInterface', 'eni-n7', true, 'i-n7')],
    actions: ['create rtb-a/10.244.1.0/24', 'delete rtb-a/10.244.2.0/24', 'create rtb-c/10.244.2.0/24'],
  },
  {
    name: 'gives a CIDR claimed by two nodes to the first by name, and a conflict to the second',
    tables: [A, B],
    desired: [want('n2', '10.244.1.0/24'), want('n1', '10.244.1.0/24')],
    routes: [],
    actions: ['create rtb-a/10.244.1.0/24', 'create rtb-b/10.244.1.0/24'],
    conflicts: [
      ['rtb-a/10.244.1.0/24', 'n2'],
      ['rtb-b/10.244.1.0/24', 'n2'],
    ],
  },
  {
    name: 'leaves a CIDR claimed by two nodes with the node that already has the route',
    desired: [want('n1', '10.244.1.0/24'), want('n2', '10.244.1.0/24')],
    routes: [seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n2', true, 'i-n2')],
    actions: [],
    conflicts: [['rtb-a/10.244.1.0/24', 'n1']],
  },
  {
    name: 'plans nothing without tables',
    tables: [],
    desired: [want('n1', '10.244.1.0/24')],
    routes: [],
    actions: [],
  },
];

describe('planRouteChanges', () => {
  it.each(cases)('$name', (testCase) => {
    const plan = planRouteChanges({
      desired: testCase.desired,
      observed: { tables: testCase.tables ?? [A], routes: testCase.routes },
      clusterCidrs: CLUSTER_CIDRS,
    });
    expect(plan.scope).toBe('routes');
    expect(plan.actions.map((action) => `${action.op} ${action.id}`)).toEqual(testCase.actions);
    expect(plan.conflicts.map((conflict) => [conflict.id, conflict.object])).toEqual(
      testCase.conflicts ?? [],
    );
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('replaces toward the desired ENI and says why', () => {
    const plan = planRouteChanges({
      desired: [want('n2', '10.244.1.0/24'), want('n3', '10.244.3.0/24')],
      observed: {
        tables: [A],
        routes: [
          seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1'),
          seen(A, '10.244.3.0/24', 'blackhole', 'i-gone', false),
        ],
      },
      clusterCidrs: CLUSTER_CIDRS,
    });
    expect(plan.actions).toMatchObject([
      {
        op: 'replace',
        desired: { interfaceId: 'eni-n2' },
        observed: { targetId: 'eni-n1' },
        reason: 'goes to eni-n1, not eni-n2',
      },
      { op: 'replace', desired: { interfaceId: 'eni-n3' }, reason: 'blackhole (i-gone is gone)' },
    ]);
  });

  it('names the foreign target in the conflict message', () => {
    const plan = planRouteChanges({
      desired: [want('n1', '10.244.1.0/24'), want('n2', '10.244.2.0/24')],
      observed: {
        tables: [A],
        routes: [
          seen(A, '10.244.1.0/24', 'instance', 'i-nat', false, 'i-nat'),
          seen(A, '10.244.2.0/23', 'gateway', 'vgw-1', false),
        ],
      },
      clusterCidrs: CLUSTER_CIDRS,
    });
    expect(plan.conflicts[0]?.message).toBe(
      'route 10.244.1.0/24 in rtb-a goes to instance i-nat, which is not tagged for this cluster; Skyway leaves it unchanged',
    );
    expect(plan.conflicts[1]?.message).toContain('10.244.2.0/23, which overlaps 10.244.2.0/24');
    expect(plan.conflicts[1]?.message).toContain('gateway vgw-1');
  });

  it('covers every (table, desired route) pair, so apply can tell fully routed nodes', () => {
    const plan = planRouteChanges({
      desired: [want('n1', '10.244.1.0/24'), want('n2', '10.244.2.0/24'), want('n3', '10.244.3.0/24')],
      observed: {
        tables: [A, B],
        routes: [
          seen(A, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1'),
          seen(B, '10.244.1.0/24', 'networkInterface', 'eni-n1', true, 'i-n1'),
          seen(A, '10.244.2.0/24', 'networkInterface', 'eni-n2', true, 'i-n2'),
          seen(B, '10.244.3.0/24', 'instance', 'i-nat', false, 'i-nat'),
        ],
      },
      clusterCidrs: CLUSTER_CIDRS,
    });
    expect([...plan.coverage].sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      { id: 'rtb-a/10.244.1.0/24', nodeName: 'n1', state: 'inSync' },
      { id: 'rtb-a/10.244.2.0/24', nodeName: 'n2', state: 'inSync' },
      { id: 'rtb-a/10.244.3.0/24', nodeName: 'n3', state: 'action' },
      { id: 'rtb-b/10.244.1.0/24', nodeName: 'n1', state: 'inSync' },
      { id: 'rtb-b/10.244.2.0/24', nodeName: 'n2', state: 'action' },
      { id: 'rtb-b/10.244.3.0/24', nodeName: 'n3', state: 'blocked' },
    ]);
  });

  it('keeps the table recoverable from an action id', () => {
    expect(tableOfRouteAction('rtb-0abc/fd00:10:244:1::/64')).toBe('rtb-0abc');
  });
});
