import { fileURLToPath } from 'node:url';
/**
 * `npm run bench`: the load-balancer scenario of the AWS services issue, against moto_server behind the counting
 * proxy. N nodes run; S LoadBalancer Services of three TCP ports each are created at once; we report the time until
 * every Service has a hostname and the mutating ELBv2/EC2 calls against the floor. Then 20 nodes join: RegisterTargets
 * calls against one per target group, and the time until every target group holds every node. Then an idle period
 * with resyncs must make 0 mutating calls. Numbers, not assertions: this is a measurement, run by hand, never in CI.
 */
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { V1Service } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { startMotoServer } from '../../src/local/moto.js';
import { type ProxiedCall, startAwsProxy } from '../fakes/aws-proxy/index.js';
import { CLUSTER_TAG, startAwsTestCluster } from '../support/aws-cluster.js';
import { plainElbv2 } from '../support/nlb-world.js';
import { log, reconciles, sleep, until } from './measure.js';

const NODES = Number(process.env.BENCH_LB_NODES ?? 100);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 200);
const JOINING = Number(process.env.BENCH_JOIN_NODES ?? 20);
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 120);
/** Give up waiting for hostnames when none has appeared for this long (a Service that cannot converge). */
const STALL_SECONDS = Number(process.env.BENCH_STALL_SECONDS ?? 180);
const PORTS = [80, 443, 8080] as const;
/** Skyway's RegisterTargets chunk (providers/aws/nlb-apply-elb.ts). */
const TARGETS_PER_CALL = 100;
const NAMESPACE = 'default';
/**
 * The moto_server to run. By default, moto with the per-security-group rule quota raised to 1,000 (AWS's raised
 * ceiling; moto hard-codes the default 60, which caps a node group at 15 three-port Services): see
 * moto-raised-sg-quota.py. BENCH_MOTO_COMMAND=moto_server measures against stock moto.
 */
const MOTO_COMMAND =
  process.env.BENCH_MOTO_COMMAND ?? fileURLToPath(new URL('./moto-raised-sg-quota.py', import.meta.url));

const MUTATING = /^(Create|Delete|Modify|Register|Deregister|Authorize|Revoke|Add|Set)/;
/** The routes and nodes controllers' mutating calls, reported apart from the load balancers'. */
const ROUTES_NODES =
  /^(CreateRoute|ReplaceRoute|DeleteRoute|ModifyInstanceAttribute|ModifyNetworkInterfaceAttribute)$/;
const DESCRIBES = /^(Describe|List|Get)/;

process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

function seconds(from: number, to: number): string {
  return `${((to - from) / 1000).toFixed(1)} s`;
}

function isLbMutating(call: ProxiedCall): boolean {
  return (
    (call.service === 'ec2' || call.service === 'elbv2') && MUTATING.test(call.action) && !isRoutesNodes(call)
  );
}

function isRoutesNodes(call: ProxiedCall): boolean {
  return call.service === 'ec2' && ROUTES_NODES.test(call.action);
}

function isDescribe(call: ProxiedCall): boolean {
  return DESCRIBES.test(call.action);
}

/** How a call ended, when not in success: its HTTP status, `dropped`, or `in-flight` (still waiting for moto). */
function outcome(call: ProxiedCall): string | undefined {
  if (call.status !== undefined) return call.status >= 400 ? String(call.status) : undefined;
  return call.faulted !== undefined ? call.faulted : 'in-flight';
}

/** `service:Action` → count, sorted; calls that did not succeed counted apart as `…!status`. */
function byAction(calls: readonly ProxiedCall[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const call of calls) {
    const ended = outcome(call);
    const key = `${call.service}:${call.action}${ended ? `!${ended}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}

function printByAction(label: string, calls: readonly ProxiedCall[]): void {
  const entries = Object.entries(byAction(calls));
  if (entries.length === 0) {
    log(`${label.padEnd(35)}(none)`);
    return;
  }
  log(label);
  for (const [action, count] of entries) log(`  ${action.padEnd(50)}${String(count).padStart(7)}`);
}

/** Calls answered with an error or dropped (a call still in flight is not counted as failed). */
function failed(calls: readonly ProxiedCall[]): number {
  return calls.filter(
    (call) => (call.status !== undefined && call.status >= 400) || call.faulted !== undefined,
  ).length;
}

function serviceObject(index: number): V1Service {
  const name = `bench-${String(index).padStart(4, '0')}`;
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: NAMESPACE, labels: { app: name } },
    spec: {
      type: 'LoadBalancer',
      selector: { app: name },
      ports: PORTS.map((port) => ({
        name: `p${port}`,
        port,
        targetPort: 8000 + (port % 1000),
        protocol: 'TCP',
      })),
    },
  };
}

async function targetGroupArns(elbv2: ElasticLoadBalancingV2Client): Promise<string[]> {
  const arns: string[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(new DescribeTargetGroupsCommand({ PageSize: 400, Marker: marker }));
    for (const group of page.TargetGroups ?? []) if (group.TargetGroupArn) arns.push(group.TargetGroupArn);
    marker = page.NextMarker;
  } while (marker);
  return arns;
}

async function main(): Promise<void> {
  const moto = await startMotoServer(MOTO_COMMAND ? { command: MOTO_COMMAND } : {});
  if (MOTO_COMMAND) log(`moto_server: ${MOTO_COMMAND}`);
  const proxy = await startAwsProxy({ target: moto.endpoint });
  const elbv2 = plainElbv2(moto.endpoint);
  log(`seeding ${NODES} instances in moto…`);
  const env = await startAwsTestCluster({
    motoEndpoint: moto.endpoint,
    skywayEndpoint: proxy.endpoint,
    nodeCount: NODES,
  });
  try {
    const run = await env.startSkyway({ resyncPeriod: '30s' });
    const metricsText = () => run.metrics.registry.metrics();
    const limit = pLimit(25);

    // The cluster as it is before any Service: every node registered, routed and with its source/dest check off.
    const prepStarted = Date.now();
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
    await until(
      async () =>
        (await env.cluster.core.listNode()).items.every((node) =>
          node.status?.conditions?.some((c) => c.type === 'NetworkUnavailable' && c.status === 'False'),
        ),
      'all NetworkUnavailable=False',
      600_000,
    );
    await sleep(3_000);
    log(`${NODES} nodes ready after ${seconds(prepStarted, Date.now())}`);

    // ---- converge: S Services at once ----
    proxy.clearCalls();
    const serviceReconcilesBefore = await reconciles(metricsText, 'services');
    const started = Date.now();
    await Promise.all(
      Array.from({ length: SERVICES }, (_, index) =>
        limit(() =>
          env.cluster.core.createNamespacedService({ namespace: NAMESPACE, body: serviceObject(index) }),
        ),
      ),
    );
    const created = Date.now();
    let withHostname = 0;
    let lastProgress = Date.now();
    while (withHostname < SERVICES) {
      await sleep(1_000);
      const list = await env.cluster.core.listNamespacedService({ namespace: NAMESPACE });
      const count = list.items.filter(
        (service) =>
          service.spec?.type === 'LoadBalancer' && service.status?.loadBalancer?.ingress?.[0]?.hostname,
      ).length;
      if (count > withHostname) lastProgress = Date.now();
      withHostname = count;
      if (Date.now() - lastProgress > STALL_SECONDS * 1000) break;
    }
    const converged = Date.now();
    const convergedAll = withHostname === SERVICES;
    await sleep(5_000);
    const convergeCalls = [...proxy.calls];
    const serviceReconciles = (await reconciles(metricsText, 'services')) - serviceReconcilesBefore;

    const registerPerGroup = Math.ceil(NODES / TARGETS_PER_CALL);
    const floorPerService = {
      CreateSecurityGroup: 1,
      'AuthorizeSecurityGroupIngress (LB group: every listener port in one call)': 1,
      CreateLoadBalancer: 1,
      CreateTargetGroup: PORTS.length,
      [`RegisterTargets (${registerPerGroup} per target group, ${TARGETS_PER_CALL} targets a call)`]:
        PORTS.length * registerPerGroup,
      CreateListener: PORTS.length,
      'AuthorizeSecurityGroupIngress (node group: NodePorts + health-check port in one call)': 1,
    };
    const perService = Object.values(floorPerService).reduce((sum, count) => sum + count, 0);
    const floor = perService * SERVICES;
    const lbMutating = convergeCalls.filter(isLbMutating);
    const lbDescribes = convergeCalls.filter(
      (call) => isDescribe(call) && !(call.service === 'ec2' && call.action === 'DescribeRouteTables'),
    );

    log(`\n== converge: ${SERVICES} LoadBalancer Services × ${PORTS.length} TCP ports on ${NODES} nodes ==`);
    log(`services created in                ${seconds(started, created)}`);
    log(
      convergedAll
        ? `every Service has a hostname after  ${seconds(started, converged)}`
        : `NOT CONVERGED: ${withHostname}/${SERVICES} Services have a hostname; none more for ${STALL_SECONDS} s (gave up at ${seconds(started, converged)})`,
    );
    log(`floor per Service                  ${perService}`);
    for (const [what, count] of Object.entries(floorPerService))
      log(`  ${String(count).padStart(2)} ${what}`);
    log(
      `LB mutating calls (ELBv2 + EC2)    ${lbMutating.length} (floor ${floor}: ratio ${(lbMutating.length / floor).toFixed(3)}), ${failed(lbMutating)} failed`,
    );
    log(`routes/nodes mutating calls        ${convergeCalls.filter(isRoutesNodes).length}`);
    log(
      `describe calls                     ${lbDescribes.length} (${(lbDescribes.length / SERVICES).toFixed(2)} per Service, ${(lbDescribes.length / Math.max(serviceReconciles, 1)).toFixed(2)} per reconcile) over ${serviceReconciles} services reconciles`,
    );
    printByAction('calls by action', convergeCalls);
    if (!convergedAll) {
      const services = await env.cluster.core.listNamespacedService({ namespace: NAMESPACE });
      const stuck = services.items.find((service) => !service.status?.loadBalancer?.ingress?.[0]?.hostname);
      const events = await env.cluster.core.listNamespacedEvent({
        namespace: NAMESPACE,
        fieldSelector: `involvedObject.name=${stuck?.metadata?.name ?? ''}`,
      });
      const warning = events.items.filter((event) => event.type === 'Warning').at(-1);
      log(
        `a Service without hostname         ${stuck?.metadata?.name}: ${warning?.message ?? '(no Warning event)'}`,
      );
    }

    // ---- join: 20 more nodes ----
    const groups = await targetGroupArns(elbv2);
    const total = NODES + JOINING;
    proxy.clearCalls();
    const joinReconcilesBefore = await reconciles(metricsText, 'services');
    const zones = ['us-east-1a', 'us-east-1b'];
    const joined: { name: string; providerId: string; podCidr: string }[] = [];
    for (let index = 0; index < JOINING; index += 1) {
      const zoneIndex = index % zones.length;
      // Above the seeded addresses (10.0.{0,16}.10 up): 10.0.{15,31}.x.
      const privateIp = `10.0.${zoneIndex * 16 + 15}.${10 + Math.floor(index / zones.length)}`;
      const instance = (
        await env.ec2.send(
          new RunInstancesCommand({
            ImageId: 'ami-1e749f67',
            InstanceType: 't3.medium',
            MinCount: 1,
            MaxCount: 1,
            SubnetId: env.aws.subnetIds[zoneIndex],
            SecurityGroupIds: [env.aws.nodeSecurityGroupId],
            PrivateIpAddress: privateIp,
            TagSpecifications: [
              {
                ResourceType: 'instance',
                Tags: [CLUSTER_TAG, { Key: 'Name', Value: `bench-join-${index}` }],
              },
            ],
          }),
        )
      ).Instances?.[0];
      const nodeIndex = NODES + index;
      joined.push({
        name: instance?.PrivateDnsName ?? `join-${index}`,
        providerId: `aws:///${zones[zoneIndex]}/${instance?.InstanceId ?? ''}`,
        podCidr: `10.${244 + Math.floor(nodeIndex / 256)}.${nodeIndex % 256}.0/24`,
      });
    }
    const joinStarted = Date.now();
    await Promise.all(
      joined.map((node) =>
        limit(() => env.addNode({ name: node.name, providerId: node.providerId, podCidrs: [node.podCidr] })),
      ),
    );
    const nodesCreated = Date.now();
    const pending = new Set(groups);
    const sampleLimit = pLimit(4);
    // Reading 600 target groups loads moto as much as Skyway does: check them only once a RegisterTargets per group
    // has gone by (counted at the proxy, free), then every group not yet full, round after round.
    await until(
      async () => proxy.countCalls({ action: 'RegisterTargets' }) >= groups.length,
      'one RegisterTargets per target group',
      900_000,
    );
    await until(
      async () => {
        await Promise.all(
          [...pending].map((arn) =>
            sampleLimit(async () => {
              const health = await elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }));
              if ((health.TargetHealthDescriptions ?? []).length >= total) pending.delete(arn);
            }),
          ),
        );
        return pending.size === 0;
      },
      `every target group at ${total} targets`,
      900_000,
    );
    const allTargets = Date.now();
    await sleep(5_000);
    const joinCalls = [...proxy.calls];
    const joinReconciles = (await reconciles(metricsText, 'services')) - joinReconcilesBefore;
    const registers = joinCalls.filter((call) => call.action === 'RegisterTargets');
    const lastRegister = Math.max(...registers.map((call) => call.receivedAt));
    const firstRegister = Math.min(...registers.map((call) => call.receivedAt));
    const joinFloor = groups.length * Math.ceil(JOINING / TARGETS_PER_CALL);
    const joinMutating = joinCalls.filter(isLbMutating);
    const joinDescribes = joinCalls.filter(isDescribe);

    log(`\n== join: ${JOINING} nodes join ${NODES}; ${groups.length} target groups ==`);
    log(`node objects created in            ${seconds(joinStarted, nodesCreated)}`);
    log(`every target group at ${total} after  ${seconds(joinStarted, allTargets)} (sampled)`);
    if (registers.length > 0)
      log(
        `RegisterTargets calls spread over  ${((lastRegister - firstRegister) / 1000).toFixed(1)} s (proxy clock)`,
      );
    log(
      `RegisterTargets calls              ${registers.length} (floor ${joinFloor}: ratio ${(registers.length / joinFloor).toFixed(3)})`,
    );
    log(`LB mutating calls (ELBv2 + EC2)    ${joinMutating.length}, ${failed(joinMutating)} failed`);
    log(`routes/nodes mutating calls        ${joinCalls.filter(isRoutesNodes).length}`);
    log(
      `describe calls                     ${joinDescribes.length} over ${joinReconciles} services reconciles`,
    );
    printByAction('calls by action', joinCalls);

    // ---- idle ----
    proxy.clearCalls();
    log(`\n== idle: ${IDLE_SECONDS} s, resync every 30 s ==`);
    const idleReconcilesBefore = await reconciles(metricsText, 'services');
    await sleep(IDLE_SECONDS * 1000);
    const idleCalls = [...proxy.calls];
    const idleReconciles = (await reconciles(metricsText, 'services')) - idleReconcilesBefore;
    const idleDescribes = idleCalls.filter(isDescribe);
    log(`LB mutating calls (ELBv2 + EC2)    ${idleCalls.filter(isLbMutating).length}`);
    log(`routes/nodes mutating calls        ${idleCalls.filter(isRoutesNodes).length}`);
    log(
      `describe calls                     ${idleDescribes.length} over ${idleReconciles} services reconciles (${(idleDescribes.length / Math.max(idleReconciles, 1)).toFixed(2)} per reconcile)`,
    );
    printByAction('calls by action', idleCalls);
  } finally {
    await env.stop();
    elbv2.destroy();
    await proxy.stop();
    await moto.stop();
  }
}

await main();
