/**
 * `npm run bench`: the routes scenario of the AWS routes issue, against moto_server behind the counting proxy.
 * N nodes join at once; we report mutating calls against the floor (routes × tables + source/dest changes),
 * describe calls per reconcile and time to converge; then an idle period with resyncs must make 0 mutating calls.
 * Numbers, not assertions: this is a measurement, run by hand, never in CI.
 */
import { DescribeInstanceAttributeCommand } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { startMotoServer } from '../../src/local/moto.js';
import { startAwsProxy } from '../fakes/aws-proxy/index.js';
import { podRoutes, startAwsTestCluster } from '../support/aws-cluster.js';
import { log, reconciles, until } from './measure.js';

const NODES = Number(process.env.BENCH_NODES ?? 1000);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 120);
const MUTATING =
  /^(CreateRoute|ReplaceRoute|DeleteRoute|ModifyInstanceAttribute|ModifyNetworkInterfaceAttribute)$/;
const DESCRIBES = /^Describe/;

process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

async function main(): Promise<void> {
  const moto = await startMotoServer();
  const proxy = await startAwsProxy({ target: moto.endpoint });
  log(`seeding ${NODES} instances in moto…`);
  const env = await startAwsTestCluster({
    motoEndpoint: moto.endpoint,
    skywayEndpoint: proxy.endpoint,
    nodeCount: NODES,
  });
  try {
    const tables = env.aws.routeTableIds;
    const run = await env.startSkyway({ resyncPeriod: '30s' });
    const metricsText = () => run.metrics.registry.metrics();
    proxy.clearCalls();
    const reconcilesBefore = await reconciles(metricsText, 'routes');

    const started = Date.now();
    const limit = pLimit(25);
    await Promise.all(
      env.aws.nodes.map((node) =>
        limit(() =>
          env.addNode({
            name: node.nodeName,
            providerId: `aws:///${node.zone}/${node.instanceId}`,
            podCidrs: [node.podCidr],
          }),
        ),
      ),
    );
    const created = Date.now();
    await until(
      async () => {
        for (const table of tables)
          if (Object.keys(podRoutes(await env.routes(table))).length < NODES) return false;
        return true;
      },
      'all routes',
      600_000,
    );
    const routed = Date.now();
    await until(
      async () => {
        const nodes = await env.cluster.core.listNode();
        return nodes.items.every((node) =>
          node.status?.conditions?.some((c) => c.type === 'NetworkUnavailable' && c.status === 'False'),
        );
      },
      'all NetworkUnavailable=False',
      600_000,
    );
    const conditionsDone = Date.now();
    const last = env.aws.nodes[env.aws.nodes.length - 1];
    await until(
      async () => {
        if (!last) return true;
        const attribute = await env.ec2.send(
          new DescribeInstanceAttributeCommand({ InstanceId: last.instanceId, Attribute: 'sourceDestCheck' }),
        );
        return attribute.SourceDestCheck?.Value === false;
      },
      'source/dest checks off',
      600_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const mutating = proxy.countCalls({ action: MUTATING });
    const floor = NODES * tables.length + NODES;
    const describes = proxy.countCalls({ action: DESCRIBES });
    const routeReconciles = (await reconciles(metricsText, 'routes')) - reconcilesBefore;
    const byAction = new Map<string, number>();
    for (const call of proxy.calls) byAction.set(call.action, (byAction.get(call.action) ?? 0) + 1);

    log(`\n== join: ${NODES} nodes, ${tables.length} route tables ==`);
    log(`node objects created in            ${((created - started) / 1000).toFixed(1)} s`);
    log(`all routes present after           ${((routed - started) / 1000).toFixed(1)} s`);
    log(`all NetworkUnavailable=False after ${((conditionsDone - started) / 1000).toFixed(1)} s`);
    log(
      `mutating calls                     ${mutating} (floor ${floor}: ratio ${(mutating / floor).toFixed(3)})`,
    );
    log(`describe calls                     ${describes} over ${routeReconciles} routes reconciles`);
    log(`calls by action                    ${JSON.stringify(Object.fromEntries([...byAction].sort()))}`);

    proxy.clearCalls();
    log(`\n== idle: ${IDLE_SECONDS} s, resync every 30 s ==`);
    const idleReconcilesBefore = await reconciles(metricsText, 'routes');
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idleReconciles = (await reconciles(metricsText, 'routes')) - idleReconcilesBefore;
    log(`mutating calls                     ${proxy.countCalls({ action: MUTATING })}`);
    log(
      `describe calls                     ${proxy.countCalls({ action: DESCRIBES })} over ${idleReconciles} routes reconciles`,
    );
  } finally {
    await env.stop();
    await proxy.stop();
    await moto.stop();
  }
}

await main();
