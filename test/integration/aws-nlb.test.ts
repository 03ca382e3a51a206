import type { EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsProvider } from '../../providers/aws/index.js';
import { nlbName } from '../../providers/aws/names.js';
import type { NlbPlan } from '../../providers/aws/nlb-types.js';
import type { LoadBalancerProvider } from '../../providers/provider.js';
import type { MotoServer } from '../../src/local/moto.js';
import type { L4LoadBalancer } from '../../src/model/load-balancer.js';
import type { StackId } from '../../src/model/stack.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { AwsProxy } from '../fakes/aws-proxy/index.js';
import { useMotoBehindProxy } from '../support/moto-proxy.js';
import {
  cloudState,
  desiredNlb,
  NLB_CLUSTER,
  type NlbWorld,
  plainElbv2,
  port,
  rulesOf,
  runNodes,
  seedNlbWorld,
} from '../support/nlb-world.js';

const signal = new AbortController().signal;
const STACK: StackId = { kind: 'service', namespace: 'default', name: 'web' };
const NAME = nlbName('default', 'web', 'uid-1');

type L4 = LoadBalancerProvider<L4LoadBalancer, unknown>;

describe('AWS NLB provider against moto_server', () => {
  const motoBehindProxy = useMotoBehindProxy();
  let moto: MotoServer;
  let proxy: AwsProxy;
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let closers: (() => void)[];
  beforeAll(() => {
    ({ moto, proxy, ec2, closers } = motoBehindProxy());
    elbv2 = plainElbv2(moto.endpoint);
    return () => elbv2.destroy();
  });

  function provider(): L4 {
    const aws = createAwsProvider({
      region: 'us-east-1',
      clusterName: NLB_CLUSTER,
      metrics: createMetrics(),
      clusterCidrs: ['10.244.0.0/16'],
      fastRetries: true,
    });
    closers.push(() => aws.close());
    if (!aws.l4) throw new Error('the AWS provider has no l4');
    return aws.l4;
  }

  async function converge(l4: L4, desired: L4LoadBalancer | null, stack: StackId = STACK) {
    const observed = await l4.observe(stack, signal);
    const plan = l4.plan(desired, observed) as NlbPlan;
    const status = await l4.apply(plan, signal);
    return { plan, status, steps: plan.actions.map((action) => `${action.op} ${action.id}`) };
  }

  async function world(nodeCount = 3): Promise<NlbWorld> {
    const w = await seedNlbWorld(ec2, nodeCount);
    proxy.clearCalls();
    return w;
  }

  it('creates the load balancer, its security group, target groups, targets, listeners and node rules', async () => {
    const w = await world();
    const l4 = provider();
    const desired = desiredNlb(STACK, NAME, {
      targets: w.nodes,
      ports: [port(80, 30080), port(53, 30053, 'UDP')],
    });

    const first = await converge(l4, desired);
    expect(first.steps).toEqual([
      'create sg',
      'update rules/sg',
      'create lb',
      'create tg/TCP/30080',
      'create tg/UDP/30053',
      'create targets/tg/TCP/30080',
      'create targets/tg/UDP/30053',
      'create listener/80',
      'create listener/53',
      `update rules/${w.nodeGroupId}`,
    ]);
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(state.loadBalancers).toHaveLength(1);
    const [lb] = state.loadBalancers;
    expect(lb?.LoadBalancerName).toBe(NAME);
    expect(lb?.Type).toBe('network');
    expect(lb?.Scheme).toBe('internet-facing');
    expect(lb?.AvailabilityZones?.map((zone) => zone.SubnetId).sort()).toEqual([...w.subnetIds].sort());
    expect(first.status).toEqual({ ingress: [{ hostname: lb?.DNSName }] });
    expect(state.listeners.map((listener) => `${listener.Protocol}:${listener.Port}`).sort()).toEqual([
      'TCP:80',
      'UDP:53',
    ]);
    expect(state.targetGroups.map((tg) => `${tg.Protocol}:${tg.Port}:${tg.HealthCheckPort}`).sort()).toEqual([
      'TCP:30080:10256',
      'UDP:30053:10256',
    ]);
    for (const tg of state.targetGroups) {
      expect(state.targets[tg.TargetGroupName ?? '']).toEqual(w.nodes.map((id) => `${id}:${tg.Port}`).sort());
    }
    const [lbGroup] = state.extraGroups;
    expect(state.extraGroups).toHaveLength(1);
    expect(lb?.SecurityGroups).toEqual([lbGroup]);
    expect(rulesOf(state, lbGroup ?? '')).toEqual(['tcp/80-80/0.0.0.0/0', 'udp/53-53/0.0.0.0/0']);
    expect(rulesOf(state, w.nodeGroupId)).toEqual([
      `tcp/10256-10256/${lbGroup}`,
      `tcp/30080-30080/${lbGroup}`,
      `udp/30053-30053/${lbGroup}`,
    ]);

    // In sync: nothing to do, no write, and the status still reported.
    proxy.clearCalls();
    const second = await converge(l4, desired);
    expect(second.steps).toEqual([]);
    expect(second.status).toEqual(first.status);
    expect(proxy.calls.filter((call) => !/^Describe/.test(call.action))).toEqual([]);
    // Reads: four listings (tags and node groups cached), then per load balancer and per target group.
    expect(proxy.calls.map((call) => call.action).sort()).toEqual([
      'DescribeListeners',
      'DescribeLoadBalancerAttributes',
      'DescribeLoadBalancers',
      'DescribeSecurityGroupRules',
      'DescribeSecurityGroups',
      'DescribeTargetGroupAttributes',
      'DescribeTargetGroupAttributes',
      'DescribeTargetGroups',
      'DescribeTargetHealth',
      'DescribeTargetHealth',
    ]);
  });

  it('changes only the affected target group and listener when a port is added or removed, and health checks in place', async () => {
    const w = await world();
    const l4 = provider();
    const base = desiredNlb(STACK, NAME, { targets: w.nodes, ports: [port(80, 30080), port(443, 30443)] });
    await converge(l4, base);
    const before = await cloudState(ec2, elbv2, w.nodeGroupId);
    const kept = before.targetGroups.find((tg) => tg.Port === 30080)?.TargetGroupArn;

    const added = await converge(l4, { ...base, ports: [port(80, 30080), port(8080, 30808)] });
    expect(added.steps).toEqual([
      'update rules/sg',
      'create tg/TCP/30808',
      'create targets/tg/TCP/30808',
      'create listener/8080',
      expect.stringMatching(/^delete listener\/443\//),
      `update rules/${w.nodeGroupId}`,
      expect.stringMatching(/^delete tg\/TCP\/30443\//),
    ]);
    const after = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(after.loadBalancers.map((lb) => lb.LoadBalancerArn)).toEqual(
      before.loadBalancers.map((lb) => lb.LoadBalancerArn),
    );
    expect(after.targetGroups.map((tg) => tg.Port).sort()).toEqual([30080, 30808]);
    expect(after.targetGroups.find((tg) => tg.Port === 30080)?.TargetGroupArn).toBe(kept);
    expect(after.listeners.map((listener) => listener.Port).sort()).toEqual([80, 8080]);

    const checked = await converge(l4, {
      ...base,
      ports: [port(80, 30080), port(8080, 30808)],
      healthCheck: {
        ...base.healthCheck,
        protocol: 'TCP',
        port: 'traffic-port',
        path: undefined,
        intervalSeconds: 30,
      },
    });
    expect(checked.steps).toEqual([
      'update tg/TCP/30080',
      'update tg/TCP/30808',
      `update rules/${w.nodeGroupId}`,
    ]);
    const final = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(final.targetGroups.map((tg) => tg.TargetGroupArn).sort()).toEqual(
      after.targetGroups.map((tg) => tg.TargetGroupArn).sort(),
    );
    expect(
      final.targetGroups.every(
        (tg) => tg.HealthCheckProtocol === 'TCP' && tg.HealthCheckPort === 'traffic-port',
      ),
    ).toBe(true);
    const group = final.extraGroups[0] ?? '';
    expect(rulesOf(final, w.nodeGroupId)).toEqual([`tcp/30080-30080/${group}`, `tcp/30808-30808/${group}`]);
  });

  it('replaces the load balancer when the scheme changes, keeping target groups and security group', async () => {
    const w = await world();
    const l4 = provider();
    const base = desiredNlb(STACK, NAME, { targets: w.nodes });
    await converge(l4, base);
    const before = await cloudState(ec2, elbv2, w.nodeGroupId);

    const replaced = await converge(l4, { ...base, scheme: 'internal' });
    expect(replaced.steps).toEqual(['replace lb', 'create listener/80']);
    const after = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(after.loadBalancers).toHaveLength(1);
    expect(after.loadBalancers[0]?.Scheme).toBe('internal');
    expect(after.loadBalancers[0]?.LoadBalancerArn).not.toBe(before.loadBalancers[0]?.LoadBalancerArn);
    expect(replaced.status).toEqual({ ingress: [{ hostname: after.loadBalancers[0]?.DNSName }] });
    expect(after.targetGroups.map((tg) => tg.TargetGroupArn)).toEqual(
      before.targetGroups.map((tg) => tg.TargetGroupArn),
    );
    expect(after.listeners).toHaveLength(1);
    expect((await converge(l4, { ...base, scheme: 'internal' })).steps).toEqual([]);
  });

  it('tears everything down, leaving only what it does not own', async () => {
    const w = await world();
    const l4 = provider();
    await converge(
      l4,
      desiredNlb(STACK, NAME, { targets: w.nodes, ports: [port(80, 30080), port(443, 30443)] }),
    );

    const teardown = await converge(l4, null);
    expect(teardown.status).toEqual({ ingress: [] });
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(state.loadBalancers).toEqual([]);
    expect(state.listeners).toEqual([]);
    expect(state.targetGroups).toEqual([]);
    expect(state.extraGroups).toEqual([]);
    expect(rulesOf(state, w.nodeGroupId)).toEqual([]);
    expect((await converge(l4, null)).steps).toEqual([]);
    expect(await l4.listOwnedStacks(signal)).toEqual([]);
  });

  it('registers joining nodes with one RegisterTargets per target group, and leaving ones with one DeregisterTargets', async () => {
    const w = await world(3);
    const l4 = provider();
    const base = desiredNlb(STACK, NAME, { targets: w.nodes, ports: [port(80, 30080), port(443, 30443)] });
    await converge(l4, base);

    const joined = await runNodes(ec2, { subnetId: w.subnetIds[1] ?? '', groupId: w.nodeGroupId, count: 5 });
    proxy.clearCalls();
    const grown = await converge(l4, { ...base, targets: [...w.nodes, ...joined] });
    expect(grown.steps).toEqual(['update targets/tg/TCP/30080', 'update targets/tg/TCP/30443']);
    expect(proxy.countCalls({ action: 'RegisterTargets' })).toBe(2);
    expect(proxy.countCalls({ action: 'DeregisterTargets' })).toBe(0);
    expect(proxy.calls.filter((call) => !/^Describe/.test(call.action)).map((call) => call.action)).toEqual([
      'RegisterTargets',
      'RegisterTargets',
    ]);
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    for (const tg of state.targetGroups) expect(state.targets[tg.TargetGroupName ?? '']).toHaveLength(8);

    proxy.clearCalls();
    const shrunk = await converge(l4, { ...base, targets: joined });
    expect(shrunk.steps).toEqual(['update targets/tg/TCP/30080', 'update targets/tg/TCP/30443']);
    expect(proxy.countCalls({ action: 'DeregisterTargets' })).toBe(2);
    expect(proxy.countCalls({ action: 'RegisterTargets' })).toBe(0);
    const after = await cloudState(ec2, elbv2, w.nodeGroupId);
    for (const tg of after.targetGroups) {
      expect(after.targets[tg.TargetGroupName ?? '']).toEqual(joined.map((id) => `${id}:${tg.Port}`).sort());
    }
  });

  it('never touches a foreign load balancer with the same name, and tears down only its own', async () => {
    const w = await world();
    const foreign = await elbv2.send(
      new CreateLoadBalancerCommand({ Name: NAME, Type: 'network', Subnets: [w.subnetIds[0] ?? ''] }),
    );
    const foreignArn = foreign.LoadBalancers?.[0]?.LoadBalancerArn;
    const l4 = provider();
    const desired = desiredNlb(STACK, NAME, { targets: w.nodes });

    const created = await converge(l4, desired);
    expect(created.steps).toContain('create lb');
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(state.loadBalancers).toHaveLength(2);
    const ours = state.loadBalancers.find((lb) => lb.LoadBalancerArn !== foreignArn);
    expect(created.status).toEqual({ ingress: [{ hostname: ours?.DNSName }] });
    expect(state.listeners.every((listener) => listener.LoadBalancerArn === ours?.LoadBalancerArn)).toBe(
      true,
    );
    expect((await converge(l4, desired)).steps).toEqual([]);

    await converge(l4, null);
    const after = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(after.loadBalancers.map((lb) => lb.LoadBalancerArn)).toEqual([foreignArn]);
  });

  it('converges without a duplicate after a crash between creating the load balancer and its listeners', async () => {
    const w = await world();
    const desired = desiredNlb(STACK, NAME, { targets: w.nodes, ports: [port(80, 30080), port(443, 30443)] });
    const crashed = provider();
    const observed = await crashed.observe(STACK, signal);
    const plan = crashed.plan(desired, observed) as NlbPlan;
    const cut = plan.actions.findIndex((action) => action.id === 'lb') + 1;
    await crashed.apply({ ...plan, actions: plan.actions.slice(0, cut) }, signal);
    expect((await cloudState(ec2, elbv2, w.nodeGroupId)).loadBalancers).toHaveLength(1);

    // A fresh process: nothing cached, everything found again by its tags.
    const restarted = provider();
    const resumed = await converge(restarted, desired);
    expect(resumed.steps).not.toContain('create lb');
    expect(resumed.steps).not.toContain('create sg');
    expect(resumed.steps).toContain('create listener/80');
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(state.loadBalancers).toHaveLength(1);
    expect(state.extraGroups).toHaveLength(1);
    expect(state.listeners).toHaveLength(2);
    expect(resumed.status).toEqual({ ingress: [{ hostname: state.loadBalancers[0]?.DNSName }] });
    expect((await converge(restarted, desired)).steps).toEqual([]);
  });

  it('converges through throttling and server errors injected at the proxy', async () => {
    const w = await world();
    const l4 = provider();
    const desired = desiredNlb(STACK, NAME, { targets: w.nodes, ports: [port(80, 30080), port(443, 30443)] });
    proxy.setThrottle({ default: { qps: 20, burst: 3 } });
    proxy.failNext('CreateLoadBalancer', 1, {
      status: 503,
      code: 'ServiceUnavailable',
      message: 'try again',
    });
    proxy.failNext('RegisterTargets', 1, { status: 400, code: 'Throttling', message: 'Rate exceeded' });
    let rounds = 0;
    for (; rounds < 30; rounds++) {
      try {
        if ((await converge(l4, desired)).steps.length === 0) break;
      } catch {
        // Level-triggered: the next round observes what the failed one left and plans the rest.
      }
    }
    expect(rounds).toBeLessThan(30);
    expect(proxy.countCalls({ faulted: true })).toBeGreaterThan(0);
    proxy.setThrottle(undefined);
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(state.loadBalancers).toHaveLength(1);
    expect(state.targetGroups).toHaveLength(2);
    expect(state.listeners).toHaveLength(2);
    expect(state.extraGroups).toHaveLength(1);
    for (const tg of state.targetGroups) expect(state.targets[tg.TargetGroupName ?? '']).toHaveLength(3);
  });

  it('restricts the listeners to the source ranges, and lists and replaces the stacks it owns', async () => {
    const w = await world();
    const l4 = provider();
    const other: StackId = { kind: 'service', namespace: 'team-a', name: 'api' };
    await converge(
      l4,
      desiredNlb(STACK, NAME, { targets: w.nodes, sourceRanges: ['10.0.0.0/8', '192.168.0.0/16'] }),
    );
    await converge(l4, desiredNlb(other, nlbName('team-a', 'api', 'uid-2'), { targets: w.nodes }), other);
    const state = await cloudState(ec2, elbv2, w.nodeGroupId);
    const ours = state.loadBalancers.find((lb) => lb.LoadBalancerName === NAME);
    expect(rulesOf(state, ours?.SecurityGroups?.[0] ?? '')).toEqual([
      'tcp/80-80/10.0.0.0/8',
      'tcp/80-80/192.168.0.0/16',
    ]);
    expect(await l4.listOwnedStacks(signal)).toEqual([STACK, other]);

    // The Service is re-created (a new UID, so a new name): the predecessor's resources go, the new ones come.
    const renamed = nlbName('default', 'web', 'uid-3');
    const recreated = await converge(l4, desiredNlb(STACK, renamed, { targets: w.nodes }));
    expect(recreated.steps).toContain('create lb');
    expect(recreated.steps.filter((step) => step.startsWith('delete lb/'))).toHaveLength(1);
    const after = await cloudState(ec2, elbv2, w.nodeGroupId);
    expect(after.loadBalancers.map((lb) => lb.LoadBalancerName).sort()).toEqual(
      [renamed, nlbName('team-a', 'api', 'uid-2')].sort(),
    );
    expect(after.extraGroups).toHaveLength(2);
    expect(after.targetGroups).toHaveLength(2);
    expect((await converge(l4, desiredNlb(STACK, renamed, { targets: w.nodes }))).steps).toEqual([]);
  });
});
