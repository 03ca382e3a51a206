import {
  DescribeInstanceAttributeCommand,
  DescribeNetworkInterfaceAttributeCommand,
  type EC2Client,
  TerminateInstancesCommand,
} from '@aws-sdk/client-ec2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../providers/aws/client.js';
import { classifyAwsError } from '../../providers/aws/errors.js';
import { createAwsProvider } from '../../providers/aws/index.js';
import { InstanceDirectory } from '../../providers/aws/instance-directory.js';
import { createCloudCalls } from '../../providers/cloud-call.js';
import type { InstanceProvider } from '../../providers/provider.js';
import { CloudError } from '../../src/errors.js';
import { createMetrics } from '../../src/observability/metrics.js';
import type { AwsProxy } from '../fakes/aws-proxy/index.js';
import { attachSecondInterface, clusterTag, seedInstances, seedVpc } from '../support/ec2-seed.js';
import { FakeClock } from '../support/fake-clock.js';
import { metricValue } from '../support/metric-value.js';
import { useMotoBehindProxy } from '../support/moto-proxy.js';

const CLUSTER = 'inst';
const signal = new AbortController().signal;

describe('AWS instance provider against moto_server', () => {
  const motoBehindProxy = useMotoBehindProxy();
  let proxy: AwsProxy;
  let ec2: EC2Client;
  let closers: (() => void)[];
  beforeAll(() => {
    ({ proxy, ec2, closers } = motoBehindProxy());
  });

  function provider(options: { clock?: FakeClock } = {}) {
    const metrics = createMetrics();
    const aws = createAwsProvider({
      region: 'us-east-1',
      clusterName: CLUSTER,
      metrics,
      clusterCidrs: ['10.244.0.0/16'],
      retryStrategy: new ConfiguredRetryStrategy(3, 1),
      ...(options.clock ? { clock: options.clock } : {}),
    });
    closers.push(() => aws.close());
    if (!aws.instances) throw new Error('the AWS provider has no instance capability');
    return { instances: aws.instances as InstanceProvider, metrics };
  }

  it('resolves nodes by providerID and by private DNS name with one batched describe each, then from cache', async () => {
    const vpc = await seedVpc(ec2);
    const subnetId = vpc.subnetIds[0] ?? '';
    const tagged = await seedInstances(ec2, { subnetId, tags: [clusterTag(CLUSTER)], count: 4 });
    const [untagged] = await seedInstances(ec2, { subnetId, tags: [] });
    const [gone] = await seedInstances(ec2, { subnetId, tags: [clusterTag(CLUSTER)] });
    const [a, b, c, d] = tagged;
    if (!a || !b || !c || !d || !untagged || !gone) throw new Error('seed');
    await ec2.send(new TerminateInstancesCommand({ InstanceIds: [gone.instanceId] }));

    const clock = new FakeClock();
    const { instances, metrics } = provider({ clock });
    const nodes = [
      { nodeName: 'a', providerId: `aws:///${a.zone}/${a.instanceId}` },
      { nodeName: 'b', providerId: `aws:///${b.instanceId}` },
      { nodeName: 'untagged', providerId: `aws:///${untagged.zone}/${untagged.instanceId}` },
      { nodeName: 'gone', providerId: `aws:///${gone.zone}/${gone.instanceId}` },
      { nodeName: 'unknown', providerId: 'aws:///us-east-1a/i-0123456789abcdef0' },
      { nodeName: 'garbage', providerId: 'gce://project/zone/name' },
      { nodeName: c.privateDnsName, providerId: '' },
      { nodeName: d.privateDnsName, providerId: '' },
      { nodeName: 'ip-10-0-9-9.ec2.internal', providerId: '' },
    ];

    const resolved = await instances.resolveInstances(nodes, signal);
    expect([...resolved.keys()].sort()).toEqual(
      ['a', 'b', c.privateDnsName, d.privateDnsName, 'untagged'].sort(),
    );
    expect(resolved.get('a')).toMatchObject({
      id: a.instanceId,
      nodeName: 'a',
      zone: 'us-east-1a',
      primaryInterfaceId: a.eniId,
      network: vpc.vpcId,
      canForward: false,
      clusterOwned: true,
      state: 'running',
    });
    expect(resolved.get('a')?.privateIps.length).toBe(1);
    expect(resolved.get('untagged')).toMatchObject({ id: untagged.instanceId, clusterOwned: false });
    expect(resolved.get(c.privateDnsName)).toMatchObject({ id: c.instanceId, primaryInterfaceId: c.eniId });
    // One describe by instance-id filter, one by private-dns-name filter: never one per node.
    expect(proxy.countCalls({ action: 'DescribeInstances' })).toBe(2);
    expect(
      await metricValue(metrics.registry, 'skyway_cloud_api_calls_total', {
        operation: 'DescribeInstances',
        result: 'ok',
      }),
    ).toBe(2);

    await instances.resolveInstances(nodes, signal);
    expect(proxy.countCalls({ action: 'DescribeInstances' })).toBe(2);

    await clock.advance(30_001);
    const again = await instances.resolveInstances(nodes, signal);
    expect(again.size).toBe(5);
    expect(proxy.countCalls({ action: 'DescribeInstances' })).toBe(4);
  });

  it('describes 201 nodes with a cold cache in two calls (filters of at most 200 values)', async () => {
    const vpc = await seedVpc(ec2);
    const many = await seedInstances(ec2, {
      subnetId: vpc.subnetIds[0] ?? '',
      tags: [clusterTag(CLUSTER)],
      count: 201,
    });
    const { instances } = provider();
    const resolved = await instances.resolveInstances(
      many.map((instance, index) => ({ nodeName: `n${index}`, providerId: `aws:///${instance.instanceId}` })),
      signal,
    );
    expect(resolved.size).toBe(201);
    expect(proxy.countCalls({ action: 'DescribeInstances' })).toBe(2);
  });

  it('follows NextToken across pages of DescribeInstances and DescribeNetworkInterfaces', async () => {
    const vpc = await seedVpc(ec2);
    const subnetId = vpc.subnetIds[0] ?? '';
    // Seven reservations: moto pages DescribeInstances by reservation.
    const seededInstances = [];
    for (let index = 0; index < 7; index += 1) {
      seededInstances.push(...(await seedInstances(ec2, { subnetId, tags: [clusterTag(CLUSTER)] })));
    }
    const calls = createCloudCalls({ provider: 'aws', metrics: createMetrics(), classify: classifyAwsError });
    const clients = createAwsClients({ region: 'us-east-1', calls, maxAttempts: 1 });
    closers.push(() => clients.destroy());
    const directory = new InstanceDirectory({ ec2: clients.ec2, pageSize: 5 });
    const ids = seededInstances.map((instance) => instance.instanceId);
    const found = await directory.instances(ids, signal);
    expect([...found.values()].filter((record) => record !== undefined)).toHaveLength(7);
    expect(
      proxy.calls
        .filter((call) => call.action === 'DescribeInstances')
        .map((call) => call.params.has('NextToken')),
    ).toEqual([false, true]);
    const owners = await new InstanceDirectory({ ec2: clients.ec2, pageSize: 5 }).interfaceOwners(
      seededInstances.map((instance) => instance.eniId),
      signal,
    );
    expect([...owners.values()]).toEqual(ids);
  });

  it('turns source/destination checks off on a single-ENI instance once, with ModifyInstanceAttribute', async () => {
    const vpc = await seedVpc(ec2);
    const [node] = await seedInstances(ec2, {
      subnetId: vpc.subnetIds[0] ?? '',
      tags: [clusterTag(CLUSTER)],
    });
    if (!node) throw new Error('seed');
    const { instances } = provider();
    const identity = { nodeName: 'n', providerId: `aws:///${node.instanceId}` };
    const instance = (await instances.resolveInstances([identity], signal)).get('n');
    if (!instance) throw new Error('not resolved');
    expect(instance.canForward).toBe(false);

    expect(await instances.ensureForwarding(instance, signal)).toEqual({
      instanceId: node.instanceId,
      canForward: true,
      changed: true,
    });
    const attribute = await ec2.send(
      new DescribeInstanceAttributeCommand({ InstanceId: node.instanceId, Attribute: 'sourceDestCheck' }),
    );
    expect(attribute.SourceDestCheck?.Value).toBe(false);
    expect(proxy.countCalls({ action: 'ModifyInstanceAttribute' })).toBe(1);

    // The cache remembers the change: no second write, and the node now reads as forwarding.
    expect(await instances.ensureForwarding(instance, signal)).toMatchObject({
      changed: false,
      canForward: true,
    });
    expect((await instances.resolveInstances([identity], signal)).get('n')?.canForward).toBe(true);
    expect(proxy.countCalls({ action: /^Modify/ })).toBe(1);

    // A new process reads it back from DescribeInstances (moto: the instance attribute, not the ENI's copy).
    const fresh = provider();
    expect((await fresh.instances.resolveInstances([identity], signal)).get('n')?.canForward).toBe(true);
  });

  it('uses the primary ENI of a multi-ENI instance, and turns its check off with ModifyNetworkInterfaceAttribute', async () => {
    const vpc = await seedVpc(ec2);
    const subnetId = vpc.subnetIds[0] ?? '';
    const [node] = await seedInstances(ec2, { subnetId, tags: [clusterTag(CLUSTER)] });
    if (!node) throw new Error('seed');
    const secondary = await attachSecondInterface(ec2, node.instanceId, subnetId);
    const { instances } = provider();
    const identity = { nodeName: 'multi', providerId: `aws:///${node.zone}/${node.instanceId}` };
    const instance = (await instances.resolveInstances([identity], signal)).get('multi');
    expect(instance).toMatchObject({ primaryInterfaceId: node.eniId, canForward: false });
    expect(instance?.primaryInterfaceId).not.toBe(secondary);
    expect(instance?.privateIps.length).toBe(2);
    if (!instance) throw new Error('not resolved');

    expect(await instances.ensureForwarding(instance, signal)).toMatchObject({
      changed: true,
      canForward: true,
    });
    expect(proxy.countCalls({ action: 'ModifyNetworkInterfaceAttribute' })).toBe(1);
    expect(proxy.countCalls({ action: 'ModifyInstanceAttribute' })).toBe(0);
    const primary = await ec2.send(
      new DescribeNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: node.eniId,
        Attribute: 'sourceDestCheck',
      }),
    );
    expect(primary.SourceDestCheck?.Value).toBe(false);
    const other = await ec2.send(
      new DescribeNetworkInterfaceAttributeCommand({
        NetworkInterfaceId: secondary,
        Attribute: 'sourceDestCheck',
      }),
    );
    expect(other.SourceDestCheck?.Value).toBe(true);

    const fresh = provider();
    expect((await fresh.instances.resolveInstances([identity], signal)).get('multi')?.canForward).toBe(true);
  });

  it('reports an instance that vanished as a notFound CloudError', async () => {
    const { instances } = provider();
    const error = await instances
      .ensureForwarding(
        {
          id: 'i-0123456789abcdef0',
          nodeName: 'x',
          zone: 'us-east-1a',
          primaryInterfaceId: 'eni-1',
          network: 'vpc-1',
          privateIps: [],
          canForward: false,
          clusterOwned: true,
          state: 'running',
        },
        signal,
      )
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudError);
    expect(error).toMatchObject({ kind: 'notFound' });
  });
});
