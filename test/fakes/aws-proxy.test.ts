import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  CreateVpcCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ConfiguredRetryStrategy, isThrottlingError } from '@smithy/core/retry';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMotoServer } from '../../src/local/moto.js';
import { FakeClock } from '../support/fake-clock.js';
import { waitFor } from '../support/wait-for.js';
import { type AwsProxy, blackholeRoute, startAwsProxy } from './aws-proxy/index.js';

interface SdkError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly attempts?: number };
}

function failure(promise: Promise<unknown>): Promise<SdkError> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error as SdkError,
  );
}

/** `attempts` > 1 retries at once: the SDK's own backoff would sleep in real time (up to seconds when throttled). */
function clientConfig(endpoint: string, attempts = 1) {
  return {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(attempts > 1 ? { retryStrategy: new ConfiguredRetryStrategy(attempts, 0) } : { maxAttempts: 1 }),
  };
}

describe('AWS fault proxy in front of moto_server', () => {
  let moto: MotoServer;
  let proxy: AwsProxy;
  /** Numbers the proxy's `random` hands out, in order; 0.99 (no failure at any rate < 0.99) once they run out. */
  const randoms: number[] = [];
  let ec2: EC2Client;
  let elbv2: ElasticLoadBalancingV2Client;
  let direct: EC2Client;

  beforeAll(async () => {
    moto = await startMotoServer();
    proxy = await startAwsProxy({ target: moto.endpoint, random: () => randoms.shift() ?? 0.99 });
    ec2 = new EC2Client(clientConfig(proxy.endpoint));
    elbv2 = new ElasticLoadBalancingV2Client(clientConfig(proxy.endpoint));
    direct = new EC2Client(clientConfig(moto.endpoint));
  });
  afterEach(() => {
    proxy.reset();
    randoms.length = 0;
  });
  afterAll(async () => {
    for (const client of [ec2, elbv2, direct]) client?.destroy();
    await proxy?.stop();
    await moto?.stop();
  });

  /** A VPC and route table made directly in moto, with a default route to an internet gateway. */
  async function routeTableWithGatewayRoute(): Promise<{
    tableId: string;
    gatewayId: string;
    vpcCidr: string;
  }> {
    const vpcCidr = '10.9.0.0/16';
    const vpc = await direct.send(new CreateVpcCommand({ CidrBlock: vpcCidr }));
    const VpcId = vpc.Vpc?.VpcId;
    const table = await direct.send(new CreateRouteTableCommand({ VpcId }));
    const gateway = await direct.send(new CreateInternetGatewayCommand({}));
    const InternetGatewayId = gateway.InternetGateway?.InternetGatewayId;
    await direct.send(new AttachInternetGatewayCommand({ VpcId, InternetGatewayId }));
    const tableId = table.RouteTable?.RouteTableId ?? '';
    const gatewayId = InternetGatewayId ?? '';
    await direct.send(
      new CreateRouteCommand({
        RouteTableId: tableId,
        DestinationCidrBlock: '0.0.0.0/0',
        GatewayId: gatewayId,
      }),
    );
    return { tableId, gatewayId, vpcCidr };
  }

  it('passes EC2 and ELBv2 calls through to moto and records service, action, params and status', async () => {
    const created = await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
    const vpcId = created.Vpc?.VpcId;
    expect(vpcId).toMatch(/^vpc-/);
    const seen = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId ?? ''] }));
    expect(seen.Vpcs?.[0]?.CidrBlock).toBe('10.1.0.0/16');
    expect((await direct.send(new DescribeVpcsCommand({ VpcIds: [vpcId ?? ''] }))).Vpcs).toHaveLength(1);
    const balancers = await elbv2.send(new DescribeLoadBalancersCommand({}));
    expect(balancers.LoadBalancers).toEqual([]);
    // moto's own errors pass through untouched and are not counted as faults.
    const missing = await failure(elbv2.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })));
    expect(missing.name).toBe('LoadBalancerNotFoundException');

    expect(
      proxy.calls.map(({ service, action, status, faulted }) => ({ service, action, status, faulted })),
    ).toEqual([
      { service: 'ec2', action: 'CreateVpc', status: 200, faulted: undefined },
      { service: 'ec2', action: 'DescribeVpcs', status: 200, faulted: undefined },
      { service: 'elbv2', action: 'DescribeLoadBalancers', status: 200, faulted: undefined },
      { service: 'elbv2', action: 'DescribeLoadBalancers', status: 400, faulted: undefined },
    ]);
    expect(proxy.calls[0]?.params.get('CidrBlock')).toBe('10.1.0.0/16');
    expect(proxy.calls[1]?.params.get('VpcId.1')).toBe(vpcId);
    expect(proxy.countCalls({ service: 'elbv2' })).toBe(2);
    expect(proxy.countCalls({ action: /^Describe/ })).toBe(3);
    expect(proxy.countCalls({ faulted: true })).toBe(0);
  });

  it('passes moto-api requests through without recording them', async () => {
    const response = await fetch(`${proxy.endpoint}/moto-api/data.json`);
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty('ec2');
    expect(proxy.calls).toEqual([]);
  });

  it('throttles EC2 per action with RequestLimitExceeded (HTTP 503), which the SDK retries as throttling', async () => {
    const clock = new FakeClock();
    const throttled = await startAwsProxy({ target: moto.endpoint, clock });
    const client = new EC2Client(clientConfig(throttled.endpoint));
    const retrying = new EC2Client(clientConfig(throttled.endpoint, 2));
    try {
      throttled.setThrottle({ actions: { DescribeVpcs: { qps: 1, burst: 2 } } });
      await client.send(new DescribeVpcsCommand({}));
      await client.send(new DescribeVpcsCommand({}));
      const error = await failure(client.send(new DescribeVpcsCommand({})));
      expect(error.name).toBe('RequestLimitExceeded');
      expect(error.message).toBe('Request limit exceeded.');
      expect(error.$metadata?.httpStatusCode).toBe(503);
      expect(isThrottlingError(error as Parameters<typeof isThrottlingError>[0])).toBe(true);
      // Other actions have no limit in this rule.
      await client.send(new DescribeSubnetsCommand({}));

      // The standard retry strategy retries it: two attempts reach the proxy, both refused.
      const retried = await failure(retrying.send(new DescribeVpcsCommand({})));
      expect(retried.name).toBe('RequestLimitExceeded');
      expect(retried.$metadata?.attempts).toBe(2);
      expect(throttled.countCalls({ action: 'DescribeVpcs' })).toBe(5);
      expect(throttled.countCalls({ action: 'DescribeVpcs', faulted: 'throttle' })).toBe(3);

      // One second refills one token at qps 1.
      await clock.advance(1000);
      await client.send(new DescribeVpcsCommand({}));
      expect(throttled.calls.at(-1)).toMatchObject({
        action: 'DescribeVpcs',
        status: 200,
        faulted: undefined,
      });
    } finally {
      client.destroy();
      retrying.destroy();
      await throttled.stop();
    }
  });

  it('throttles ELBv2 with HTTP 400 Throttling in the ELBv2 error shape', async () => {
    proxy.setThrottle({ service: 'elbv2', default: { qps: 0, burst: 0 } });
    const error = await failure(elbv2.send(new DescribeLoadBalancersCommand({})));
    expect(error.name).toBe('Throttling');
    expect(error.message).toBe('Rate exceeded');
    expect(error.$metadata?.httpStatusCode).toBe(400);
    expect(isThrottlingError(error as Parameters<typeof isThrottlingError>[0])).toBe(true);
    await ec2.send(new DescribeVpcsCommand({}));
    expect(proxy.countCalls({ faulted: 'throttle' })).toBe(1);
  });

  it('fails the next CreateRoute with RouteLimitExceeded, then passes CreateRoute through', async () => {
    const { tableId, gatewayId } = await routeTableWithGatewayRoute();
    proxy.failNext('CreateRoute', 1, {
      status: 400,
      code: 'RouteLimitExceeded',
      message: "You've reached the limit on the number of routes that you can add to a route table.",
    });
    const route = { RouteTableId: tableId, DestinationCidrBlock: '10.244.1.0/24', GatewayId: gatewayId };
    const limited = await failure(ec2.send(new CreateRouteCommand(route)));
    expect(limited.name).toBe('RouteLimitExceeded');
    expect(limited.$metadata?.httpStatusCode).toBe(400);

    await ec2.send(new CreateRouteCommand(route));
    const routes = (await direct.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] })))
      .RouteTables?.[0]?.Routes;
    expect(routes?.map((r) => r.DestinationCidrBlock)).toContain('10.244.1.0/24');
    expect(proxy.calls.map(({ action, status, faulted }) => ({ action, status, faulted }))).toEqual([
      { action: 'CreateRoute', status: 400, faulted: 'failNext' },
      { action: 'CreateRoute', status: 200, faulted: undefined },
    ]);
  });

  it('fails a random share of calls with a 5xx in the service shape', async () => {
    proxy.failRandomly({ match: { action: /^Describe/ }, rate: 0.5, mode: '5xx' });
    randoms.push(0.2, 0.7, 0.1);
    const ec2Error = await failure(ec2.send(new DescribeVpcsCommand({})));
    expect(ec2Error.name).toBe('InternalError');
    expect(ec2Error.$metadata?.httpStatusCode).toBe(500);
    await ec2.send(new DescribeVpcsCommand({}));
    const elbError = await failure(elbv2.send(new DescribeLoadBalancersCommand({})));
    expect(elbError.name).toBe('ServiceUnavailable');
    expect(elbError.$metadata?.httpStatusCode).toBe(503);
    expect(proxy.calls.map((call) => call.faulted)).toEqual(['random5xx', undefined, 'random5xx']);
  });

  it('drops the connection before any reply, which the SDK reports as a socket error', async () => {
    proxy.failRandomly({ match: 'DescribeVpcs', rate: 1, mode: 'drop' });
    const error = await failure(ec2.send(new DescribeVpcsCommand({})));
    expect(`${error.code} ${error.message}`).toMatch(/ECONNRESET|socket hang up/);
    expect(proxy.calls).toMatchObject([{ action: 'DescribeVpcs', faulted: 'drop', status: undefined }]);
  });

  it('lets the SDK retry a dropped connection', async () => {
    const retrying = new EC2Client(clientConfig(proxy.endpoint, 2));
    try {
      proxy.failRandomly({ match: 'DescribeVpcs', rate: 0.5, mode: 'drop' });
      randoms.push(0.1, 0.9);
      const result = await retrying.send(new DescribeVpcsCommand({}));
      expect(result.$metadata.attempts).toBe(2);
      expect(proxy.calls.map((call) => call.faulted)).toEqual(['drop', undefined]);
    } finally {
      retrying.destroy();
    }
  });

  it('rewrites DescribeRouteTables so a route shows State blackhole, until the rule is removed', async () => {
    const { tableId, vpcCidr } = await routeTableWithGatewayRoute();
    const remove = proxy.rewrite('DescribeRouteTables', blackholeRoute('0.0.0.0/0'));
    const describe = async (client: EC2Client) =>
      (await client.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }))).RouteTables?.[0]
        ?.Routes;

    const rewritten = await describe(ec2);
    expect(rewritten?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.State).toBe('blackhole');
    expect(rewritten?.find((r) => r.DestinationCidrBlock === vpcCidr)?.State).toBe('active');
    expect((await describe(direct))?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.State).toBe(
      'active',
    );
    expect(proxy.calls.at(-1)?.rewritten).toBe(true);

    remove();
    expect((await describe(ec2))?.find((r) => r.DestinationCidrBlock === '0.0.0.0/0')?.State).toBe('active');
  });

  it('delays replies by the configured latency', async () => {
    proxy.setLatency((call) => (call.action === 'DescribeVpcs' ? 150 : 0));
    const started = performance.now();
    await ec2.send(new DescribeVpcsCommand({}));
    // A lower bound only (timers may fire a millisecond early against performance.now); never an upper bound.
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('holds a reply until the injected clock has moved past the latency', async () => {
    const clock = new FakeClock();
    const slow = await startAwsProxy({ target: moto.endpoint, clock });
    const client = new EC2Client(clientConfig(slow.endpoint));
    try {
      slow.setLatency(5_000);
      let settled = false;
      const reply = client.send(new DescribeVpcsCommand({})).finally(() => {
        settled = true;
      });
      await waitFor(() => clock.pending() === 1, { description: 'the call waiting out its latency' });
      expect(slow.calls).toMatchObject([{ action: 'DescribeVpcs', status: undefined }]);
      await clock.advance(4_999);
      expect(settled).toBe(false);
      await clock.advance(1);
      await reply;
      expect(slow.calls).toMatchObject([{ action: 'DescribeVpcs', status: 200 }]);
    } finally {
      client.destroy();
      await slow.stop();
    }
  });
});
