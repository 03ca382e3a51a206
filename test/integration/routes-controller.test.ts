import {
  CreateRouteCommand,
  DescribeInstanceAttributeCommand,
  DescribeInstancesCommand,
  type DescribeInstancesCommandOutput,
} from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MotoServer } from '../../src/local/moto.js';
import { startMotoServer } from '../../src/local/moto.js';
import { type AwsTestCluster, podRoutes, startAwsTestCluster } from '../support/aws-cluster.js';
import { eventually, waitFor } from '../support/wait-for.js';

process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

describe('routes and nodes controllers against moto_server and the local API server', () => {
  let moto: MotoServer;
  let env: AwsTestCluster | undefined;

  beforeAll(async () => {
    moto = await startMotoServer();
  });
  afterEach(async () => {
    await env?.stop();
    env = undefined;
    await moto.reset();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  async function cluster(nodeCount: number): Promise<AwsTestCluster> {
    env = await startAwsTestCluster({ motoEndpoint: moto.endpoint, nodeCount });
    return env;
  }

  function eniOf(described: DescribeInstancesCommandOutput, instanceId: string): string {
    const instances = described.Reservations?.flatMap((reservation) => reservation.Instances ?? []) ?? [];
    const instance = instances.find((candidate) => candidate.InstanceId === instanceId);
    return instance?.NetworkInterfaces?.[0]?.NetworkInterfaceId ?? '';
  }

  it('routes every node in every cluster table, clears NetworkUnavailable and turns source/dest checks off', async () => {
    const c = await cluster(3);
    await c.joinSeededNodes();
    await c.startSkyway();
    const described = await c.ec2.send(new DescribeInstancesCommand({}));
    const expected = Object.fromEntries(
      c.aws.nodes.map((node) => [node.podCidr, eniOf(described, node.instanceId)]),
    );
    for (const table of c.aws.routeTableIds) {
      await eventually(async () => expect(podRoutes(await c.routes(table))).toEqual(expected), {
        timeoutMs: 15_000,
      });
    }
    for (const node of c.aws.nodes) {
      await eventually(
        async () =>
          expect(await c.condition(node.nodeName)).toMatchObject({ status: 'False', reason: 'RouteCreated' }),
        {
          timeoutMs: 10_000,
        },
      );
      await eventually(async () => {
        const attribute = await c.ec2.send(
          new DescribeInstanceAttributeCommand({ InstanceId: node.instanceId, Attribute: 'sourceDestCheck' }),
        );
        expect(attribute.SourceDestCheck?.Value).toBe(false);
      });
      const reasons = (await c.events(node.nodeName)).map((event) => event.reason);
      expect(reasons).toEqual(expect.arrayContaining(['CreatedRoute', 'DisabledSourceDestCheck']));
    }
  });

  it('removes the route of a node that leaves, and moves a CIDR to a new instance', async () => {
    const c = await cluster(2);
    const [first, second] = c.aws.nodes;
    if (!first || !second) throw new Error('seed');
    for (const node of [first, second]) {
      await c.addNode({
        name: node.nodeName,
        providerId: `aws:///${node.zone}/${node.instanceId}`,
        podCidrs: [node.podCidr],
      });
    }
    await c.startSkyway();
    const table = c.aws.routeTableIds[0] ?? '';
    await eventually(
      async () =>
        expect(Object.keys(podRoutes(await c.routes(table))).sort()).toEqual(
          [first.podCidr, second.podCidr].sort(),
        ),
      {
        timeoutMs: 15_000,
      },
    );
    await c.cluster.core.deleteNode({ name: second.nodeName });
    await eventually(
      async () => expect(Object.keys(podRoutes(await c.routes(table)))).toEqual([first.podCidr]),
      { timeoutMs: 15_000 },
    );

    // The first node is replaced by a new instance that takes over its pod CIDR.
    const replacement = await c.runInstance({ subnetIndex: 0, tagged: true, ip: '10.0.1.77' });
    await c.cluster.core.deleteNode({ name: first.nodeName });
    await c.addNode({
      name: 'replacement',
      providerId: `aws:///us-east-1a/${replacement}`,
      podCidrs: [first.podCidr],
    });
    const described = await c.ec2.send(new DescribeInstancesCommand({ InstanceIds: [replacement] }));
    await eventually(
      async () =>
        expect(podRoutes(await c.routes(table))).toEqual({ [first.podCidr]: eniOf(described, replacement) }),
      {
        timeoutMs: 15_000,
      },
    );
  });

  it('routes IPv6 pod CIDRs and leaves foreign and out-of-range routes alone, with a Warning', async () => {
    const c = await cluster(1);
    const node = c.aws.nodes[0];
    if (!node) throw new Error('seed');
    const table = c.aws.routeTableIds[0] ?? '';
    const appliance = await c.runInstance({ subnetIndex: 0, tagged: false, ip: '10.0.1.200' });
    await c.ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '10.244.9.0/24',
        InstanceId: appliance,
      }),
    );
    await c.ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '192.168.0.0/16',
        InstanceId: appliance,
      }),
    );
    await c.addNode({
      name: node.nodeName,
      providerId: `aws:///${node.zone}/${node.instanceId}`,
      podCidrs: [node.podCidr, 'fd00:10:244:1::/64'],
    });
    await c.addNode({
      name: 'squatted',
      providerId: `aws:///${node.zone}/${node.instanceId}`,
      podCidrs: ['10.244.9.0/24'],
    });
    await c.startSkyway();
    await eventually(
      async () => {
        const routes = podRoutes(await c.routes(table));
        expect(Object.keys(routes).sort()).toEqual([
          '10.244.0.0/24',
          '10.244.9.0/24',
          '192.168.0.0/16',
          'fd00:10:244:1::/64',
        ]);
        expect(routes['10.244.9.0/24']).toBe(appliance);
        expect(routes['192.168.0.0/16']).toBe(appliance);
      },
      { timeoutMs: 15_000 },
    );
    await eventually(async () => {
      const events = await c.events('squatted');
      expect(events.some((event) => event.reason === 'FailedToCreateRoute' && event.type === 'Warning')).toBe(
        true,
      );
    });
    await eventually(async () =>
      expect(await c.condition('squatted')).toMatchObject({ status: 'True', reason: 'NoRouteCreated' }),
    );
  });

  // An unparsable podCIDR cannot reach a real API server (it validates them, and so does ours); the pure
  // builder's unit tests cover it. A CIDR outside --cluster-cidr is valid Kubernetes and must be left alone.
  it('warns on a podCIDR outside the cluster CIDR, resolves a node without providerID by DNS name, skips one without instance', async () => {
    const c = await cluster(1);
    const node = c.aws.nodes[0];
    if (!node) throw new Error('seed');
    await c.addNode({
      name: 'outsider',
      providerId: `aws:///${node.zone}/${node.instanceId}`,
      podCidrs: ['172.16.5.0/24'],
    });
    await c.addNode({ name: 'ghost', providerId: '', podCidrs: ['10.244.7.0/24'] });
    // No providerID, but the node name is the instance's private DNS name: resolved by the fallback.
    await c.addNode({ name: node.nodeName, providerId: '', podCidrs: [node.podCidr] });
    await c.startSkyway();
    const table = c.aws.routeTableIds[0] ?? '';
    await eventually(
      async () => expect(Object.keys(podRoutes(await c.routes(table)))).toEqual([node.podCidr]),
      { timeoutMs: 15_000 },
    );
    await eventually(async () => {
      const events = await c.events('outsider');
      expect(events.find((event) => event.reason === 'PodCIDROutsideClusterCIDR')?.message).toContain(
        'spec.podCIDRs[0]',
      );
    });
    expect(await c.condition('ghost')).toMatchObject({ status: 'True', reason: 'NoRouteCreated' });
  });

  it('deletes stale routes of nodes deleted while Skyway was down', async () => {
    const c = await cluster(2);
    const [kept, gone] = c.aws.nodes;
    if (!kept || !gone) throw new Error('seed');
    const table = c.aws.routeTableIds[0] ?? '';
    await c.ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: gone.podCidr,
        InstanceId: gone.instanceId,
      }),
    );
    await c.addNode({
      name: kept.nodeName,
      providerId: `aws:///${kept.zone}/${kept.instanceId}`,
      podCidrs: [kept.podCidr],
    });
    await c.startSkyway();
    await eventually(
      async () => expect(Object.keys(podRoutes(await c.routes(table)))).toEqual([kept.podCidr]),
      { timeoutMs: 15_000 },
    );
  });

  it('reports a missing route table in /readyz detail and a metric, and keeps retrying', async () => {
    const c = await cluster(1);
    const node = c.aws.nodes[0];
    if (!node) throw new Error('seed');
    await c.addNode({
      name: node.nodeName,
      providerId: `aws:///${node.zone}/${node.instanceId}`,
      podCidrs: [node.podCidr],
    });
    const run = await c.startSkyway({ awsRouteTableIds: 'rtb-0123456789abcdef0' });
    await waitFor(() => run.problems.list().find((problem) => problem.key === 'routes'), {
      timeoutMs: 10_000,
    });
    expect(run.problems.list().find((problem) => problem.key === 'routes')?.message).toContain(
      'rtb-0123456789abcdef0',
    );
    expect((await run.metrics.routeTables.get()).values[0]?.value).toBe(0);
    expect(run.manager.isLeader()).toBe(true);
  });
});
