import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  DescribeRouteTablesCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../providers/aws/index.js';
import type { InstanceProvider, RouteProvider } from '../../providers/provider.js';
import { CloudError } from '../../src/errors.js';
import type { MotoServer } from '../../src/local/moto.js';
import type { CloudInstance } from '../../src/model/instance.js';
import type { DesiredRoute } from '../../src/model/route.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { type AwsProxy, blackholeRoute } from '../fakes/aws-proxy/index.js';
import { podRoutes } from '../support/aws-cluster.js';
import {
  attachSecondInterface,
  clusterTag,
  type SeededInstance,
  seedInstances,
  seedRouteTable,
  seedVpc,
} from '../support/ec2-seed.js';
import { metricValue } from '../support/metric-value.js';
import { useMotoBehindProxy } from '../support/moto-proxy.js';

const CLUSTER = 'rt';
const CLUSTER_CIDRS = ['10.244.0.0/16', 'fd00:10:244::/56'];
const signal = new AbortController().signal;

interface World {
  readonly vpcId: string;
  /** Tagged `owned` and `shared`: both are the cluster's. */
  readonly tables: readonly [string, string];
  readonly untaggedTable: string;
  readonly n1: SeededInstance;
  readonly n2: SeededInstance;
  readonly n3: SeededInstance;
  /** Not tagged for the cluster: a NAT or VPN appliance, say. */
  readonly appliance: SeededInstance;
  readonly subnetId: string;
}

interface Skyway {
  readonly routes: RouteProvider;
  readonly instances: InstanceProvider;
  readonly metrics: Metrics;
  /** Resolves the named seeded instances as nodes of the same name. */
  resolve(nodes: Record<string, SeededInstance>): Promise<ReadonlyMap<string, CloudInstance>>;
}

function route(instance: CloudInstance | undefined, cidr: string): DesiredRoute {
  if (!instance) throw new Error(`no instance for ${cidr}`);
  return {
    nodeName: instance.nodeName,
    destinationCidr: cidr,
    family: cidr.includes(':') ? 'ipv6' : 'ipv4',
    instanceId: instance.id,
    interfaceId: instance.primaryInterfaceId,
    network: instance.network,
    clusterOwned: instance.clusterOwned,
  };
}

describe('AWS route provider against moto_server', () => {
  const motoBehindProxy = useMotoBehindProxy();
  let moto: MotoServer;
  let proxy: AwsProxy;
  let ec2: EC2Client;
  let closers: (() => void)[];
  beforeAll(() => {
    ({ moto, proxy, ec2, closers } = motoBehindProxy());
  });

  async function world(): Promise<World> {
    const vpc = await seedVpc(ec2);
    const subnetId = vpc.subnetIds[0] ?? '';
    const tables: [string, string] = [
      await seedRouteTable(ec2, vpc.vpcId, [clusterTag(CLUSTER, 'owned')]),
      await seedRouteTable(ec2, vpc.vpcId, [clusterTag(CLUSTER, 'shared')]),
    ];
    const untaggedTable = await seedRouteTable(ec2, vpc.vpcId, [{ Key: 'Name', Value: 'someone-else' }]);
    const [n1, n2, n3] = await seedInstances(ec2, { subnetId, tags: [clusterTag(CLUSTER)], count: 3 });
    const [appliance] = await seedInstances(ec2, { subnetId, tags: [] });
    if (!n1 || !n2 || !n3 || !appliance) throw new Error('seed');
    proxy.clearCalls();
    return { vpcId: vpc.vpcId, tables, untaggedTable, n1, n2, n3, appliance, subnetId };
  }

  function skyway(options: { routeTableIds?: string[]; attempts?: number; delayMs?: number } = {}): Skyway {
    const metrics = createMetrics();
    const aws = createAwsProvider({
      region: 'us-east-1',
      clusterName: CLUSTER,
      metrics,
      clusterCidrs: CLUSTER_CIDRS,
      retryStrategy: new ConfiguredRetryStrategy(options.attempts ?? 3, options.delayMs ?? 1),
      ...(options.routeTableIds ? { routeTableIds: options.routeTableIds } : {}),
    });
    closers.push(() => aws.close());
    const { routes, instances } = aws;
    if (!routes || !instances) throw new Error('the AWS provider lacks route support');
    return {
      routes,
      instances,
      metrics,
      resolve: (nodes) =>
        instances.resolveInstances(
          Object.entries(nodes).map(([nodeName, instance]) => ({
            nodeName,
            providerId: `aws:///${instance.zone}/${instance.instanceId}`,
          })),
          signal,
        ),
    };
  }

  async function routesIn(table: string): Promise<Record<string, string>> {
    const described = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [table] }));
    return podRoutes(described.RouteTables?.[0]?.Routes ?? []);
  }

  async function reconcile(s: Skyway, desired: readonly DesiredRoute[]) {
    const observed = await s.routes.observeRoutes(signal);
    const plan = s.routes.planRoutes(desired, observed);
    const result = await s.routes.applyRoutes(plan, signal);
    return { observed, plan, result };
  }

  it('creates every node route in every cluster table by primary ENI (IPv4 and IPv6), then has nothing to do', async () => {
    const w = await world();
    await attachSecondInterface(ec2, w.n3.instanceId, w.subnetId);
    const s = skyway();
    const nodes = await s.resolve({ n1: w.n1, n2: w.n2, n3: w.n3 });
    const desired = [
      route(nodes.get('n1'), '10.244.1.0/24'),
      route(nodes.get('n2'), '10.244.2.0/24'),
      route(nodes.get('n2'), 'fd00:10:244:2::/64'),
      route(nodes.get('n3'), '10.244.3.0/24'),
    ];

    const first = await reconcile(s, desired);
    expect(first.observed.tables.map((table) => table.id).sort()).toEqual([...w.tables].sort());
    expect(first.observed.tables.every((table) => table.network === w.vpcId)).toBe(true);
    expect(first.plan.actions.map((action) => `${action.op} ${action.id}`).sort()).toEqual(
      w.tables
        .flatMap((table) => [
          `create ${table}/10.244.1.0/24`,
          `create ${table}/10.244.2.0/24`,
          `create ${table}/10.244.3.0/24`,
          `create ${table}/fd00:10:244:2::/64`,
        ])
        .sort(),
    );
    expect(first.result).toEqual({ routedNodes: ['n1', 'n2', 'n3'], failures: [] });
    const expected = {
      '10.244.1.0/24': w.n1.eniId,
      '10.244.2.0/24': w.n2.eniId,
      'fd00:10:244:2::/64': w.n2.eniId,
      '10.244.3.0/24': w.n3.eniId,
    };
    for (const table of w.tables) expect(await routesIn(table)).toEqual(expected);
    expect(await routesIn(w.untaggedTable)).toEqual({});

    // Steady state: one DescribeRouteTables, no other read (the instances are cached), no write.
    proxy.clearCalls();
    const second = await reconcile(s, desired);
    expect(second.plan.actions).toEqual([]);
    expect(second.plan.conflicts).toEqual([]);
    expect(second.result).toEqual({ routedNodes: ['n1', 'n2', 'n3'], failures: [] });
    expect(proxy.calls.map((call) => call.action)).toEqual(['DescribeRouteTables']);
  });

  it('deletes the routes of a node that left and moves a CIDR to the instance that took it over', async () => {
    const w = await world();
    const s = skyway();
    const nodes = await s.resolve({ n1: w.n1, n2: w.n2, n3: w.n3 });
    await reconcile(s, [
      route(nodes.get('n1'), '10.244.1.0/24'),
      route(nodes.get('n2'), '10.244.2.0/24'),
      route(nodes.get('n2'), 'fd00:10:244:2::/64'),
    ]);
    // A route made by instance id (moto then reports only InstanceId) to another of the cluster's instances.
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: w.tables[0],
        DestinationCidrBlock: '10.244.4.0/24',
        InstanceId: w.n1.instanceId,
      }),
    );

    const desired = [route(nodes.get('n3'), '10.244.1.0/24'), route(nodes.get('n2'), '10.244.4.0/24')];
    const { plan, result } = await reconcile(s, desired);
    expect(plan.actions.map((action) => `${action.op} ${action.id}`).sort()).toEqual(
      [
        ...w.tables.flatMap((table) => [
          `replace ${table}/10.244.1.0/24`,
          `delete ${table}/10.244.2.0/24`,
          `delete ${table}/fd00:10:244:2::/64`,
        ]),
        `replace ${w.tables[0]}/10.244.4.0/24`,
        `create ${w.tables[1]}/10.244.4.0/24`,
      ].sort(),
    );
    expect(result).toEqual({ routedNodes: ['n2', 'n3'], failures: [] });
    for (const table of w.tables) {
      expect(await routesIn(table)).toEqual({ '10.244.1.0/24': w.n3.eniId, '10.244.4.0/24': w.n2.eniId });
    }
  });

  it('leaves foreign routes on or overlapping pod CIDRs, routes outside the cluster CIDRs and untagged tables alone', async () => {
    const w = await world();
    const [table] = w.tables;
    const igw = await ec2.send(new CreateInternetGatewayCommand({}));
    const igwId = igw.InternetGateway?.InternetGatewayId ?? '';
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: w.vpcId }));
    const seed = async (
      cidr: string,
      target: { InstanceId?: string; NetworkInterfaceId?: string; GatewayId?: string },
    ) => ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: cidr, ...target }));
    await seed('10.244.9.0/24', { InstanceId: w.appliance.instanceId });
    await seed('10.244.10.0/23', { NetworkInterfaceId: w.appliance.eniId });
    await seed('10.244.20.0/24', { GatewayId: igwId });
    await seed('192.168.0.0/16', { InstanceId: w.n1.instanceId });
    await seed('0.0.0.0/0', { GatewayId: igwId });
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: w.untaggedTable,
        DestinationCidrBlock: '10.244.1.0/24',
        InstanceId: w.n2.instanceId,
      }),
    );
    const before = await routesIn(table);

    const s = skyway();
    const nodes = await s.resolve({ n1: w.n1, n2: w.n2, n3: w.n3 });
    const { observed, plan, result } = await reconcile(s, [
      route(nodes.get('n1'), '10.244.1.0/24'),
      route(nodes.get('n2'), '10.244.9.0/24'),
      route(nodes.get('n3'), '10.244.11.0/24'),
    ]);
    expect(observed.routes.find((r) => r.destinationCidr === '10.244.20.0/24')).toMatchObject({
      targetKind: 'gateway',
      targetId: igwId,
      owned: false,
    });
    expect(observed.routes.find((r) => r.destinationCidr === '10.244.10.0/23')).toMatchObject({
      targetKind: 'networkInterface',
      targetInstanceId: w.appliance.instanceId,
      owned: false,
    });
    expect(
      observed.routes.some(
        (r) => r.destinationCidr === '192.168.0.0/16' || r.destinationCidr === '0.0.0.0/0',
      ),
    ).toBe(false);
    expect(plan.actions.map((action) => `${action.op} ${action.id}`).sort()).toEqual(
      [
        `create ${table}/10.244.1.0/24`,
        `create ${w.tables[1]}/10.244.1.0/24`,
        `create ${w.tables[1]}/10.244.11.0/24`,
        `create ${w.tables[1]}/10.244.9.0/24`,
      ].sort(),
    );
    expect(plan.conflicts.map((conflict) => [conflict.id, conflict.object])).toEqual([
      [`${table}/10.244.9.0/24`, 'n2'],
      [`${table}/10.244.11.0/24`, 'n3'],
    ]);
    expect(plan.conflicts[0]?.message).toContain(w.appliance.instanceId);
    expect(result).toEqual({ routedNodes: ['n1'], failures: [] });

    expect(await routesIn(table)).toEqual({ ...before, '10.244.1.0/24': w.n1.eniId });
    expect(await routesIn(w.untaggedTable)).toEqual({ '10.244.1.0/24': w.n2.instanceId });
    // n2 and n3 routed where nothing foreign sits: in the second table.
    expect(await routesIn(w.tables[1])).toEqual({
      '10.244.1.0/24': w.n1.eniId,
      '10.244.9.0/24': w.n2.eniId,
      '10.244.11.0/24': w.n3.eniId,
    });
  });

  it('after a restart, proves stale routes ours with one batched ENI and one batched instance describe, and deletes them', async () => {
    const w = await world();
    const [table] = w.tables;
    const seed = (cidr: string, target: { InstanceId?: string; NetworkInterfaceId?: string }) =>
      ec2.send(new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: cidr, ...target }));
    await seed('10.244.5.0/24', { NetworkInterfaceId: w.n2.eniId });
    await seed('10.244.6.0/24', { InstanceId: w.n3.instanceId });
    await seed('10.244.7.0/24', { NetworkInterfaceId: w.appliance.eniId });

    const s = skyway();
    const observed = await s.routes.observeRoutes(signal);
    expect(proxy.countCalls({ action: 'DescribeRouteTables' })).toBe(1);
    expect(proxy.countCalls({ action: 'DescribeNetworkInterfaces' })).toBe(1);
    expect(proxy.countCalls({ action: 'DescribeInstances' })).toBe(1);
    const ownership = Object.fromEntries(
      observed.routes.map((r) => [`${r.table}/${r.destinationCidr}`, r.owned]),
    );
    expect(ownership).toEqual({
      [`${table}/10.244.5.0/24`]: true,
      [`${table}/10.244.6.0/24`]: true,
      [`${table}/10.244.7.0/24`]: false,
    });

    const nodes = await s.resolve({ n1: w.n1 });
    const plan = s.routes.planRoutes([route(nodes.get('n1'), '10.244.1.0/24')], observed);
    expect(plan.actions.map((action) => `${action.op} ${action.id}`).sort()).toEqual(
      [
        `create ${w.tables[0]}/10.244.1.0/24`,
        `create ${w.tables[1]}/10.244.1.0/24`,
        `delete ${table}/10.244.5.0/24`,
        `delete ${table}/10.244.6.0/24`,
      ].sort(),
    );
    expect(await s.routes.applyRoutes(plan, signal)).toEqual({ routedNodes: ['n1'], failures: [] });
    expect(await routesIn(table)).toEqual({
      '10.244.1.0/24': w.n1.eniId,
      '10.244.7.0/24': w.appliance.eniId,
    });
  });

  it('uses exactly the tables given by id, and reports none (without throwing) when they do not exist', async () => {
    const w = await world();
    const explicit = skyway({ routeTableIds: [w.untaggedTable] });
    expect((await explicit.routes.observeRoutes(signal)).tables).toEqual([
      { id: w.untaggedTable, network: w.vpcId },
    ]);
    const missing = skyway({ routeTableIds: ['rtb-0123456789abcdef0'] });
    expect(await missing.routes.observeRoutes(signal)).toEqual({ tables: [], routes: [] });
    await moto.reset();
    expect(await skyway().routes.observeRoutes(signal)).toEqual({ tables: [], routes: [] });
  });

  it('treats RouteAlreadyExists as success only when the route found goes to the desired ENI', async () => {
    const w = await world();
    const [table] = w.tables;
    const s = skyway();
    const nodes = await s.resolve({ n1: w.n1, n2: w.n2 });
    const observed = await s.routes.observeRoutes(signal);
    const plan = s.routes.planRoutes(
      [route(nodes.get('n1'), '10.244.1.0/24'), route(nodes.get('n2'), '10.244.2.0/24')],
      observed,
    );
    // Between plan and apply, an earlier apply's create lands (ours) and another writer takes n2's CIDR.
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '10.244.1.0/24',
        NetworkInterfaceId: w.n1.eniId,
      }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '10.244.2.0/24',
        InstanceId: w.appliance.instanceId,
      }),
    );
    // moto overwrites on CreateRoute by ENI instead of answering RouteAlreadyExists as EC2 does: the proxy answers.
    proxy.failNext({ action: 'CreateRoute', where: (call) => call.params.get('RouteTableId') === table }, 2, {
      status: 400,
      code: 'RouteAlreadyExists',
      message: 'The route identified by 10.244.0.0/24 already exists.',
    });

    const result = await s.routes.applyRoutes(plan, signal);
    expect(result.routedNodes).toEqual(['n1']);
    expect(result.failures.map((failure) => [failure.id, failure.nodeName])).toEqual([
      [`${table}/10.244.2.0/24`, 'n2'],
    ]);
    expect(result.failures[0]?.error).toMatchObject({ name: 'CloudError', code: 'RouteAlreadyExists' });
    expect(await routesIn(table)).toEqual({
      '10.244.1.0/24': w.n1.eniId,
      '10.244.2.0/24': w.appliance.instanceId,
    });
    expect(await routesIn(w.tables[1])).toEqual({ '10.244.1.0/24': w.n1.eniId, '10.244.2.0/24': w.n2.eniId });
  });

  it('reports RouteLimitExceeded per node, recognisably, while other nodes are routed', async () => {
    const w = await world();
    const s = skyway();
    const nodes = await s.resolve({ n1: w.n1, n2: w.n2 });
    proxy.failNext(
      { action: 'CreateRoute', where: (call) => call.params.get('DestinationCidrBlock') === '10.244.2.0/24' },
      2,
      { status: 400, code: 'RouteLimitExceeded', message: 'The maximum number of routes has been reached.' },
    );
    const { result } = await reconcile(s, [
      route(nodes.get('n1'), '10.244.1.0/24'),
      route(nodes.get('n2'), '10.244.2.0/24'),
    ]);
    expect(result.routedNodes).toEqual(['n1']);
    expect(result.failures.map((failure) => failure.nodeName)).toEqual(['n2', 'n2']);
    for (const failure of result.failures) {
      expect(failure.error).toBeInstanceOf(CloudError);
      expect((failure.error as CloudError).code).toBe('RouteLimitExceeded');
    }
    // Not retried by the SDK: a quota does not go away by asking again.
    expect(proxy.countCalls({ action: 'CreateRoute' })).toBe(4);
  });

  it('replaces a blackhole on a desired CIDR and deletes an unwanted one, whatever its old target', async () => {
    const w = await world();
    const [table] = w.tables;
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '10.244.1.0/24',
        InstanceId: w.appliance.instanceId,
      }),
    );
    await ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '10.244.8.0/24',
        NetworkInterfaceId: w.appliance.eniId,
      }),
    );
    // EC2 marks a route whose target is gone `blackhole`; moto never does, so the proxy rewrites its reply.
    const removeRewrites = [
      proxy.rewrite('DescribeRouteTables', blackholeRoute('10.244.1.0/24')),
      proxy.rewrite('DescribeRouteTables', blackholeRoute('10.244.8.0/24')),
    ];
    const s = skyway();
    const nodes = await s.resolve({ n1: w.n1 });
    const { observed, plan, result } = await reconcile(s, [route(nodes.get('n1'), '10.244.1.0/24')]);
    expect(observed.routes.filter((r) => r.targetKind === 'blackhole').every((r) => r.owned)).toBe(true);
    const replace = plan.actions.find((action) => action.id === `${table}/10.244.1.0/24`);
    expect(replace).toMatchObject({ op: 'replace' });
    expect(replace?.op === 'replace' ? replace.reason : '').toContain('blackhole');
    expect(plan.actions.map((action) => `${action.op} ${action.id}`).sort()).toEqual(
      [
        `replace ${table}/10.244.1.0/24`,
        `delete ${table}/10.244.8.0/24`,
        `create ${w.tables[1]}/10.244.1.0/24`,
      ].sort(),
    );
    expect(result).toEqual({ routedNodes: ['n1'], failures: [] });
    for (const remove of removeRewrites) remove();
    expect(await routesIn(table)).toEqual({ '10.244.1.0/24': w.n1.eniId });
  });

  it('converges through throttling and a 5xx with the SDK retrying, counting every attempt, with no duplicate writes', async () => {
    const w = await world();
    // Retries share the strategy's retry budget (100 throttled retries), so they are paced to the refill rate.
    const s = skyway({ attempts: 30, delayMs: 10 });
    const many = await seedInstances(ec2, { subnetId: w.subnetId, tags: [clusterTag(CLUSTER)], count: 8 });
    const nodes = await s.resolve(Object.fromEntries(many.map((instance, index) => [`m${index}`, instance])));
    const desired = many.map((_, index) => route(nodes.get(`m${index}`), `10.244.${100 + index}.0/24`));
    proxy.clearCalls();
    proxy.failNext('DescribeRouteTables', 1, { status: 500, code: 'InternalError', message: 'try again' });
    proxy.setThrottle({ actions: { CreateRoute: { qps: 200, burst: 8 } } });

    const { result } = await reconcile(s, desired);
    expect(result.failures).toEqual([]);
    expect(result.routedNodes).toHaveLength(8);
    const throttled = proxy.countCalls({ action: 'CreateRoute', faulted: 'throttle' });
    expect(throttled).toBeGreaterThan(0);
    expect(proxy.countCalls({ action: 'CreateRoute', faulted: false })).toBe(16);
    const count = (operation: string, outcome: string) =>
      metricValue(s.metrics.registry, 'skyway_cloud_api_calls_total', { operation, result: outcome });
    expect(await count('CreateRoute', 'throttled')).toBe(throttled);
    expect(await count('CreateRoute', 'ok')).toBe(16);
    expect(await count('DescribeRouteTables', 'transient')).toBe(1);
    expect(await count('DescribeRouteTables', 'ok')).toBe(1);
    for (const table of w.tables) expect(Object.keys(await routesIn(table))).toHaveLength(8);
  });
});
