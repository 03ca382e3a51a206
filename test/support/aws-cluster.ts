import {
  DescribeRouteTablesCommand,
  EC2Client,
  type Route,
  RunInstancesCommand,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { CoreV1Api, CoreV1Event, V1Node } from '@kubernetes/client-node';
import { CONTROLLER_DEFINITIONS } from '../../controllers/index.js';
import { createAwsProvider } from '../../providers/aws/index.js';
import { reportCloudOutcomes } from '../../providers/cloud-health.js';
import type { ControllerDefinition } from '../../src/app/controller-definition.js';
import { type RunningManager, startManager } from '../../src/app/manager.js';
import { type RunConfig, runConfigSchema } from '../../src/config/schema.js';
import { type SeededAws, seedAwsCluster } from '../../src/local/demo/aws-seed.js';
import { demoNodeObject } from '../../src/local/demo/cluster-seed.js';
import { createLogger, silentLogger } from '../../src/observability/logger.js';
import { createMetrics, type Metrics } from '../../src/observability/metrics.js';
import { ProblemBoard } from '../../src/observability/problem-board.js';
import { startTestCluster, type TestCluster } from './local-cluster.js';

export const CLUSTER = 'skytest';
export const CLUSTER_TAG: Tag = { Key: `kubernetes.io/cluster/${CLUSTER}`, Value: 'owned' };

/** A direct EC2 client for seeding and assertions, not instrumented and not Skyway's. */
export function plainEc2(endpoint: string): EC2Client {
  return new EC2Client({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
}

export interface AwsTestCluster {
  readonly cluster: TestCluster;
  readonly aws: SeededAws;
  readonly ec2: EC2Client;
  /** Every Skyway-side cloud call passes through this endpoint (moto, or a fault proxy in front of it). */
  readonly skywayEndpoint: string;
  startSkyway(
    overrides?: Record<string, unknown>,
    definitions?: readonly ControllerDefinition[],
  ): Promise<RunningSkyway>;
  addNode(options: {
    readonly name: string;
    readonly providerId: string;
    readonly podCidrs: readonly string[];
  }): Promise<V1Node>;
  /** Registers every seeded instance as a Node (providerID, its pod CIDR), as kubelet would. */
  joinSeededNodes(): Promise<void>;
  routes(tableId: string): Promise<readonly Route[]>;
  condition(nodeName: string): Promise<{ status?: string; reason?: string } | undefined>;
  events(nodeName: string): Promise<readonly CoreV1Event[]>;
  runInstance(options: {
    readonly subnetIndex: number;
    readonly tagged: boolean;
    readonly ip: string;
    readonly securityGroupIds?: readonly string[];
  }): Promise<string>;
  stop(): Promise<void>;
}

export interface RunningSkyway {
  readonly manager: RunningManager;
  readonly metrics: Metrics;
  readonly problems: ProblemBoard;
  stop(): Promise<void>;
}

/**
 * A seeded AWS (VPC, two zones with a cluster-tagged route table each, `nodeCount` tagged instances) in moto and a
 * fresh local API server. Skyway's own clients reach AWS through `skywayEndpoint`.
 */
export async function startAwsTestCluster(options: {
  readonly motoEndpoint: string;
  readonly skywayEndpoint?: string;
  readonly nodeCount: number;
}): Promise<AwsTestCluster> {
  const ec2 = plainEc2(options.motoEndpoint);
  const aws = await seedAwsCluster(ec2, {
    clusterName: CLUSTER,
    zones: ['us-east-1a', 'us-east-1b'],
    nodeCount: options.nodeCount,
  });
  const cluster = await startTestCluster();
  const skywayEndpoint = options.skywayEndpoint ?? options.motoEndpoint;
  const runs: RunningSkyway[] = [];
  const core: CoreV1Api = cluster.core;

  const result: AwsTestCluster = {
    cluster,
    aws,
    ec2,
    skywayEndpoint,
    async startSkyway(overrides = {}, definitionsOverride = CONTROLLER_DEFINITIONS) {
      const config: RunConfig = runConfigSchema(
        CONTROLLER_DEFINITIONS.map((definition) => definition.name),
      ).parse({
        provider: 'aws',
        clusterName: CLUSTER,
        region: 'us-east-1',
        clusterCidr: ['10.244.0.0/14', 'fd00:10:244::/56'],
        leaderElect: false,
        metricsAddr: '0',
        healthAddr: '0',
        ...overrides,
      });
      process.env.AWS_ENDPOINT_URL = skywayEndpoint;
      const metrics = createMetrics();
      const problems = new ProblemBoard();
      const provider = createAwsProvider({
        region: 'us-east-1',
        clusterName: CLUSTER,
        metrics,
        onOutcome: reportCloudOutcomes(problems, 'aws'),
        clusterCidrs: config.clusterCidr,
        routeTableIds: config.awsRouteTableIds,
        routeConcurrency: config.routeConcurrency,
        fastRetries: true,
      });
      const definitions = definitionsOverride.filter((definition) =>
        config.controllers.includes(definition.name),
      );
      const manager = await startManager({
        config,
        kubeConfig: cluster.kubeConfig,
        provider,
        definitions,
        logger: process.env.SKYWAY_TEST_LOG
          ? createLogger({ level: 'debug', destination: process.stderr })
          : silentLogger(),
        metrics,
        problems,
      });
      const run: RunningSkyway = {
        manager,
        metrics,
        problems,
        async stop() {
          await manager.stop();
          provider.close();
        },
      };
      runs.push(run);
      return run;
    },
    async addNode(node) {
      const object = demoNodeObject(
        {
          nodeName: node.name,
          providerId: node.providerId,
          internalIp: '10.0.1.99',
          podCidr: node.podCidrs[0] ?? '',
          zone: 'us-east-1a',
        },
        new Date(),
      );
      object.spec = { ...object.spec, podCIDRs: [...node.podCidrs], podCIDR: node.podCidrs[0] };
      if (!node.providerId) delete object.spec.providerID;
      if (node.podCidrs.length === 0) {
        delete object.spec.podCIDRs;
        delete object.spec.podCIDR;
      }
      const created = await core.createNode({ body: object });
      return core.replaceNodeStatus({ name: node.name, body: { ...created, status: object.status } });
    },
    async joinSeededNodes() {
      for (const node of aws.nodes) {
        await result.addNode({
          name: node.nodeName,
          providerId: `aws:///${node.zone}/${node.instanceId}`,
          podCidrs: [node.podCidr],
        });
      }
    },
    async routes(tableId) {
      const tables = await ec2.send(new DescribeRouteTablesCommand({ RouteTableIds: [tableId] }));
      return tables.RouteTables?.[0]?.Routes ?? [];
    },
    async condition(nodeName) {
      const node = await core.readNode({ name: nodeName });
      return node.status?.conditions?.find((condition) => condition.type === 'NetworkUnavailable');
    },
    async events(nodeName) {
      const list = await core.listNamespacedEvent({
        namespace: 'default',
        fieldSelector: `involvedObject.name=${nodeName}`,
      });
      return list.items;
    },
    async runInstance({ subnetIndex, tagged, ip, securityGroupIds }) {
      const run = await ec2.send(
        new RunInstancesCommand({
          ImageId: 'ami-1e749f67',
          InstanceType: 't3.medium',
          MinCount: 1,
          MaxCount: 1,
          SubnetId: aws.subnetIds[subnetIndex],
          PrivateIpAddress: ip,
          ...(securityGroupIds ? { SecurityGroupIds: [...securityGroupIds] } : {}),
          ...(tagged ? { TagSpecifications: [{ ResourceType: 'instance', Tags: [CLUSTER_TAG] }] } : {}),
        }),
      );
      return run.Instances?.[0]?.InstanceId ?? '';
    },
    async stop() {
      for (const run of runs) await run.stop();
      await cluster.server.stop();
      ec2.destroy();
    },
  };
  return result;
}

/** The pod-CIDR routes of a table (everything but the VPC's local route), as `cidr → target`. */
export function podRoutes(routes: readonly Route[]): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const route of routes) {
    if (route.GatewayId === 'local') continue;
    const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? '?';
    entries[destination] =
      route.NetworkInterfaceId ?? route.InstanceId ?? route.GatewayId ?? route.State ?? '?';
  }
  return entries;
}
