import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { PatchStrategy, setHeaderOptions, type V1Service } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMotoServer } from '../../src/local/moto.js';
import type { Metrics } from '../../src/observability/metrics.js';
import { type AwsTestCluster, startAwsTestCluster } from '../support/aws-cluster.js';
import { eventually } from '../support/wait-for.js';

process.env.AWS_ACCESS_KEY_ID = 'test';
process.env.AWS_SECRET_ACCESS_KEY = 'test';

const FINALIZER = 'service.kubernetes.io/load-balancer-cleanup';

function loadBalancerService(
  name: string,
  spec: Partial<V1Service['spec']> = {},
  annotations: Record<string, string> = {},
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'LoadBalancer',
      selector: { app: name },
      ports: [{ name: 'http', port: 80, targetPort: 8080 }],
      ...spec,
    },
  };
}

/** RegisterTargets calls Skyway made, as its own skyway_cloud_api_calls_total counts them. */
async function registerCalls(metrics: Metrics): Promise<number> {
  const values = (await metrics.cloudApiCalls.get()).values;
  return values
    .filter((value) => value.labels.operation === 'RegisterTargets' && value.labels.result === 'ok')
    .reduce((sum, value) => sum + value.value, 0);
}

describe('services controller: NLBs in moto_server for LoadBalancer Services', () => {
  let moto: MotoServer;
  let elb: ElasticLoadBalancingV2Client;
  let env: AwsTestCluster | undefined;

  beforeAll(async () => {
    moto = await startMotoServer();
    elb = new ElasticLoadBalancingV2Client({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });
  afterEach(async () => {
    await env?.stop();
    env = undefined;
    await moto.reset();
  });
  afterAll(async () => {
    elb?.destroy();
    await moto?.stop();
  });

  async function cluster(): Promise<AwsTestCluster> {
    env = await startAwsTestCluster({ motoEndpoint: moto.endpoint, nodeCount: 2 });
    await env.joinSeededNodes();
    return env;
  }

  async function balancers() {
    return (await elb.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  }

  it('creates an NLB with a target group and listener per port, writes the hostname, and cleans up on delete', async () => {
    const c = await cluster();
    const core = c.cluster.core;
    await core.createNamespacedService({ namespace: 'default', body: loadBalancerService('web') });
    await c.startSkyway();

    const hostname = await eventually(
      async () => {
        const service = await core.readNamespacedService({ namespace: 'default', name: 'web' });
        expect(service.metadata?.finalizers).toContain(FINALIZER);
        expect(service.status?.loadBalancer?.ingress?.[0]?.hostname).toBeTruthy();
      },
      { timeoutMs: 20_000 },
    ).then(
      async () =>
        (await core.readNamespacedService({ namespace: 'default', name: 'web' })).status?.loadBalancer
          ?.ingress?.[0]?.hostname,
    );
    const [balancer, ...others] = await balancers();
    expect(others).toEqual([]);
    expect(balancer?.DNSName).toBe(hostname);
    expect(balancer?.LoadBalancerName?.length).toBeLessThanOrEqual(32);
    const listeners =
      (await elb.send(new DescribeListenersCommand({ LoadBalancerArn: balancer?.LoadBalancerArn })))
        .Listeners ?? [];
    expect(listeners.map((listener) => [listener.Port, listener.Protocol])).toEqual([[80, 'TCP']]);
    const groups =
      (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: balancer?.LoadBalancerArn })))
        .TargetGroups ?? [];
    const service = await core.readNamespacedService({ namespace: 'default', name: 'web' });
    expect(groups.map((group) => group.Port)).toEqual([service.spec?.ports?.[0]?.nodePort]);
    expect(groups[0]?.HealthCheckPort).toBe('10256');
    const reasons = (
      await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=web' })
    ).items.map((event) => event.reason);
    expect(reasons).toEqual(expect.arrayContaining(['EnsuringLoadBalancer', 'EnsuredLoadBalancer']));

    await core.deleteNamespacedService({ namespace: 'default', name: 'web' });
    await eventually(async () => expect(await balancers()).toEqual([]), { timeoutMs: 20_000 });
    await eventually(async () => {
      const list = await core.listNamespacedService({
        namespace: 'default',
        fieldSelector: 'metadata.name=web',
      });
      expect(list.items).toEqual([]);
    });
  });

  it('refuses a bad annotation with a Warning naming it, and leaves Services of another class (finalizer, status) alone', async () => {
    const c = await cluster();
    const core = c.cluster.core;
    await core.createNamespacedService({
      namespace: 'default',
      body: loadBalancerService(
        'bad',
        {},
        { 'service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval': 'often' },
      ),
    });
    // Another controller's Service, with that controller's (same-named) finalizer and its address.
    const theirsBody = loadBalancerService('theirs', { loadBalancerClass: 'example.com/other' });
    theirsBody.metadata = { ...theirsBody.metadata, finalizers: [FINALIZER] };
    const created = await core.createNamespacedService({ namespace: 'default', body: theirsBody });
    await core.replaceNamespacedServiceStatus({
      namespace: 'default',
      name: 'theirs',
      body: { ...created, status: { loadBalancer: { ingress: [{ hostname: 'theirs.example.com' }] } } },
    });
    await c.startSkyway();
    await eventually(
      async () => {
        const events = (
          await core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=bad' })
        ).items;
        const warning = events.find((event) => event.reason === 'SyncLoadBalancerFailed');
        expect(warning?.message).toContain(
          'service.beta.kubernetes.io/aws-load-balancer-healthcheck-interval',
        );
      },
      { timeoutMs: 20_000 },
    );
    expect(await balancers()).toEqual([]);
    const theirs = await core.readNamespacedService({ namespace: 'default', name: 'theirs' });
    expect(theirs.metadata?.finalizers).toEqual([FINALIZER]);
    expect(theirs.status?.loadBalancer?.ingress?.[0]?.hostname).toBe('theirs.example.com');
  });

  it('tears down when the Service stops being a LoadBalancer: no NLB, no finalizer, no status', async () => {
    const c = await cluster();
    const core = c.cluster.core;
    await core.createNamespacedService({ namespace: 'default', body: loadBalancerService('shrink') });
    await c.startSkyway();
    await eventually(async () => expect(await balancers()).toHaveLength(1), { timeoutMs: 20_000 });
    await eventually(async () => {
      const service = await core.readNamespacedService({ namespace: 'default', name: 'shrink' });
      expect(service.status?.loadBalancer?.ingress?.[0]?.hostname).toBeTruthy();
    });
    await core.patchNamespacedService(
      { namespace: 'default', name: 'shrink', body: { spec: { type: 'ClusterIP' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await eventually(async () => expect(await balancers()).toEqual([]), { timeoutMs: 20_000 });
    await eventually(async () => {
      const service = await core.readNamespacedService({ namespace: 'default', name: 'shrink' });
      expect(service.metadata?.finalizers ?? []).not.toContain(FINALIZER);
      expect(service.status?.loadBalancer?.ingress ?? []).toEqual([]);
    });
  });

  it('garbage-collects the NLB of a Service that vanished while Skyway was down', async () => {
    const c = await cluster();
    const core = c.cluster.core;
    await core.createNamespacedService({ namespace: 'default', body: loadBalancerService('flip') });
    const first = await c.startSkyway();
    await eventually(async () => expect(await balancers()).toHaveLength(1), { timeoutMs: 20_000 });
    await first.stop();

    // While Skyway is down the Service disappears without its finalizer being honoured (a force-removal).
    await core.patchNamespacedService({
      namespace: 'default',
      name: 'flip',
      body: [{ op: 'remove', path: '/metadata/finalizers' }],
    });
    await core.deleteNamespacedService({ namespace: 'default', name: 'flip' });
    await c.startSkyway();
    await eventually(async () => expect(await balancers()).toEqual([]), { timeoutMs: 20_000 });
  });

  it('makes an internal NLB with the Local health check and the source ranges, and batches node churn per target group', async () => {
    const c = await cluster();
    const core = c.cluster.core;
    await core.createNamespacedService({
      namespace: 'default',
      body: loadBalancerService(
        'local',
        {
          externalTrafficPolicy: 'Local',
          loadBalancerSourceRanges: ['203.0.113.0/24'],
          ports: [
            { name: 'http', port: 80, targetPort: 8080 },
            { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
          ],
        },
        { 'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internal' },
      ),
    });
    const run = await c.startSkyway();
    await eventually(
      async () => {
        const service = await core.readNamespacedService({ namespace: 'default', name: 'local' });
        expect(service.status?.loadBalancer?.ingress?.[0]?.hostname).toBeTruthy();
      },
      { timeoutMs: 20_000 },
    );
    const service = await core.readNamespacedService({ namespace: 'default', name: 'local' });
    const [balancer] = await balancers();
    expect(balancer?.Scheme).toBe('internal');
    const groups =
      (await elb.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: balancer?.LoadBalancerArn })))
        .TargetGroups ?? [];
    expect(groups.map((group) => group.HealthCheckPort)).toEqual([
      String(service.spec?.healthCheckNodePort),
      String(service.spec?.healthCheckNodePort),
    ]);
    expect(groups.map((group) => group.Protocol).sort()).toEqual(['TCP', 'UDP']);
    const securityGroups = await c.ec2.send(
      new DescribeSecurityGroupsCommand({ GroupIds: balancer?.SecurityGroups ?? [] }),
    );
    const sources = (securityGroups.SecurityGroups ?? []).flatMap((group) =>
      (group.IpPermissions ?? []).flatMap((permission) =>
        (permission.IpRanges ?? []).map((range) => range.CidrIp),
      ),
    );
    expect([...new Set(sources)]).toEqual(['203.0.113.0/24']);

    // Three nodes join within the coalescing window: one RegisterTargets per target group, not one per node.
    const registersBefore = await registerCalls(run.metrics);
    for (let index = 0; index < 3; index += 1) {
      const instanceId = await c.runInstance({
        subnetIndex: 0,
        tagged: true,
        ip: `10.0.2.${20 + index}`,
        securityGroupIds: [c.aws.nodeSecurityGroupId],
      });
      await c.addNode({
        name: `joiner-${index}`,
        providerId: `aws:///us-east-1a/${instanceId}`,
        podCidrs: [`10.244.${50 + index}.0/24`],
      });
    }
    await eventually(
      async () => {
        for (const group of groups) {
          const health = await elb.send(
            new DescribeTargetHealthCommand({ TargetGroupArn: group.TargetGroupArn }),
          );
          expect(health.TargetHealthDescriptions ?? []).toHaveLength(5);
        }
      },
      { timeoutMs: 20_000 },
    );
    expect((await registerCalls(run.metrics)) - registersBefore).toBe(groups.length);
  });
});
