import { CreateRouteCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../providers/aws/client.js';
import { classifyAwsError } from '../../providers/aws/errors.js';
import { createCloudCalls } from '../../providers/cloud-call.js';
import type { MotoServer } from '../../src/local/moto.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { startMotoForTests } from '../support/moto.js';

describe('AWS clients against moto_server', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMotoForTests();
  });
  afterAll(async () => {
    await moto?.stop();
  });

  it('reach the endpoint of AWS_ENDPOINT_URL and count each call by operation and result', async () => {
    const metrics = createMetrics();
    const calls = createCloudCalls({ provider: 'aws', metrics, classify: classifyAwsError });
    const clients = createAwsClients({ region: 'us-east-1', calls, maxAttempts: 1 });
    try {
      const vpcs = await clients.ec2.send(new DescribeVpcsCommand({}));
      expect(vpcs.Vpcs?.length).toBeGreaterThan(0);
      await clients.elbv2.send(new DescribeLoadBalancersCommand({}));
      const failure = await clients.ec2
        .send(
          new CreateRouteCommand({
            RouteTableId: 'rtb-0000',
            DestinationCidrBlock: '10.244.0.0/24',
            InstanceId: 'i-1',
          }),
        )
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({
        name: 'CloudError',
        kind: 'notFound',
        code: 'InvalidRouteTableID.NotFound',
      });

      const series = (await metrics.cloudApiCalls.get()).values.map((value) => ({
        ...value.labels,
        count: value.value,
      }));
      expect(series).toEqual(
        expect.arrayContaining([
          { provider: 'aws', service: 'ec2', operation: 'DescribeVpcs', result: 'ok', count: 1 },
          { provider: 'aws', service: 'elbv2', operation: 'DescribeLoadBalancers', result: 'ok', count: 1 },
          { provider: 'aws', service: 'ec2', operation: 'CreateRoute', result: 'notFound', count: 1 },
        ]),
      );
      const durations = await metrics.cloudApiDuration.get();
      expect(
        durations.values.some((value) => value.metricName === 'skyway_cloud_api_duration_seconds_count'),
      ).toBe(true);
    } finally {
      clients.destroy();
    }
  });

  it('retry in adaptive mode by default, and with an injected strategy when given one', async () => {
    const metrics = createMetrics();
    const calls = createCloudCalls({ provider: 'aws', metrics, classify: classifyAwsError });
    const adaptive = createAwsClients({ region: 'us-east-1', calls });
    const injected = new ConfiguredRetryStrategy(3, 1);
    const fast = createAwsClients({ region: 'us-east-1', calls, retryStrategy: injected });
    try {
      const strategy = (await adaptive.ec2.config.retryStrategy()) as { mode?: string };
      expect(strategy.mode).toBe('adaptive');
      expect(await adaptive.ec2.config.maxAttempts()).toBe(3);
      expect(await fast.ec2.config.retryStrategy()).toBe(injected);
      expect(await fast.elbv2.config.retryStrategy()).toBe(injected);
    } finally {
      adaptive.destroy();
      fast.destroy();
    }
  });
});
