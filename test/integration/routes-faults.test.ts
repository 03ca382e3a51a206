import { CreateRouteCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { nodesController } from '../../controllers/nodes/index.js';
import { createRoutesController } from '../../controllers/routes/index.js';
import { type MotoServer, startMotoServer } from '../../src/local/moto.js';
import { type AwsProxy, startAwsProxy } from '../fakes/aws-proxy/index.js';
import { type AwsTestCluster, podRoutes, startAwsTestCluster } from '../support/aws-cluster.js';
import { eventually } from '../support/wait-for.js';

process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

/** Marks every route whose target is `instanceId` as a blackhole, as EC2 does once the instance is gone. */
function blackholeRoutesTo(instanceId: string): (xml: string) => string {
  return (xml) =>
    xml.replace(/<item>((?:(?!<item>)[\s\S])*?)<\/item>/g, (item: string) =>
      item.includes(`<instanceId>${instanceId}</instanceId>`)
        ? item.replace(/<state>[^<]*<\/state>/, '<state>blackhole</state>')
        : item,
    );
}

describe('routes controller under cloud faults (moto behind the fault proxy)', () => {
  let moto: MotoServer;
  let proxy: AwsProxy;
  let env: AwsTestCluster | undefined;

  beforeAll(async () => {
    moto = await startMotoServer();
    proxy = await startAwsProxy({ target: moto.endpoint });
  });
  afterEach(async () => {
    await env?.stop();
    env = undefined;
    proxy.reset();
    await moto.reset();
  });
  afterAll(async () => {
    await proxy?.stop();
    await moto?.stop();
  });

  async function cluster(nodeCount: number, join = true): Promise<AwsTestCluster> {
    env = await startAwsTestCluster({
      motoEndpoint: moto.endpoint,
      skywayEndpoint: proxy.endpoint,
      nodeCount,
    });
    if (join) {
      await env.joinSeededNodes();
    }
    return env;
  }

  it('converges under throttling and random 5xx, creating each route exactly once', async () => {
    const c = await cluster(6);
    proxy.setThrottle({ actions: { CreateRoute: { qps: 20, burst: 3 } } });
    proxy.failRandomly({
      match: /^(CreateRoute|DescribeRouteTables|DescribeInstances)$/,
      rate: 0.2,
      mode: '5xx',
    });
    await c.startSkyway();
    for (const table of c.aws.routeTableIds) {
      await eventually(async () => expect(Object.keys(podRoutes(await c.routes(table)))).toHaveLength(6), {
        timeoutMs: 30_000,
      });
    }
    expect(proxy.countCalls({ action: 'CreateRoute', faulted: true })).toBeGreaterThan(0);
    const created = proxy.calls.filter((call) => call.action === 'CreateRoute' && call.status === 200).length;
    expect(created).toBe(6 * c.aws.routeTableIds.length);
    expect(proxy.calls.some((call) => call.action === 'CreateRoute' && call.status === 400)).toBe(false);
  });

  it('replaces a blackhole on a node CIDR and deletes an orphaned blackhole', async () => {
    const c = await cluster(1);
    const node = c.aws.nodes[0];
    if (!node) throw new Error('seed');
    const table = c.aws.routeTableIds[0] ?? '';
    // An appliance (untagged, so not provably ours) that held two pod CIDRs and is now gone: AWS shows blackholes.
    const gone = await c.runInstance({ subnetIndex: 0, tagged: false, ip: '10.0.1.201' });
    await c.ec2.send(
      new CreateRouteCommand({ RouteTableId: table, DestinationCidrBlock: node.podCidr, InstanceId: gone }),
    );
    await c.ec2.send(
      new CreateRouteCommand({
        RouteTableId: table,
        DestinationCidrBlock: '10.244.200.0/24',
        InstanceId: gone,
      }),
    );
    await c.ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone] }));
    // Blackhole only while the route still targets the dead instance, as AWS reports it.
    proxy.rewrite('DescribeRouteTables', blackholeRoutesTo(gone));
    await c.startSkyway({ controllers: 'routes' }, [createRoutesController()]);
    await eventually(
      async () => {
        const routes = podRoutes(await c.routes(table));
        expect(Object.keys(routes)).toEqual([node.podCidr]);
        expect(routes[node.podCidr]).not.toBe(gone);
      },
      { timeoutMs: 15_000 },
    );
    expect(proxy.countCalls({ action: 'ReplaceRoute' })).toBeGreaterThanOrEqual(1);
    expect(proxy.countCalls({ action: 'DeleteRoute' })).toBeGreaterThanOrEqual(1);
  });

  it('keeps a node that hit the route quota on its own backoff while the others are routed', async () => {
    const c = await cluster(3);
    const [full, ...others] = c.aws.nodes;
    if (!full) throw new Error('seed');
    const quota = proxy.failNext(
      { action: 'CreateRoute', where: (call) => call.params.get('DestinationCidrBlock') === full.podCidr },
      1_000,
      { status: 400, code: 'RouteLimitExceeded', message: 'The maximum number of routes has been reached.' },
    );
    const run = await c.startSkyway({}, [createRoutesController({ quotaBackoffMs: 200 }), nodesController]);
    const table = c.aws.routeTableIds[0] ?? '';
    await eventually(
      async () =>
        expect(Object.keys(podRoutes(await c.routes(table))).sort()).toEqual(
          others.map((n) => n.podCidr).sort(),
        ),
      { timeoutMs: 15_000 },
    );
    for (const node of others) {
      await eventually(async () =>
        expect(await c.condition(node.nodeName)).toMatchObject({ status: 'False', reason: 'RouteCreated' }),
      );
    }
    await eventually(async () => {
      const events = await c.events(full.nodeName);
      expect(events.find((event) => event.reason === 'FailedToCreateRoute')?.message).toContain(
        'RouteLimitExceeded',
      );
    });
    expect(await c.condition(full.nodeName)).toMatchObject({ status: 'True', reason: 'NoRouteCreated' });
    const failures = await run.metrics.routeFailures.get();
    expect(
      failures.values.find((value) => value.labels.reason === 'RouteLimitExceeded')?.value,
    ).toBeGreaterThan(0);

    // Quota raised: the node's own backoff runs out and it is routed without any node event.
    quota();
    await eventually(async () => expect(Object.keys(podRoutes(await c.routes(table)))).toHaveLength(3), {
      timeoutMs: 15_000,
    });
    await eventually(
      async () => expect(await c.condition(full.nodeName)).toMatchObject({ status: 'False' }),
      {
        timeoutMs: 10_000,
      },
    );
  });
});
