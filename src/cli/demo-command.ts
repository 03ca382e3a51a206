import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { Command, Option } from 'commander';
import { CONTROLLER_DEFINITIONS } from '../../controllers/index.js';
import { createAwsClients } from '../../providers/aws/client.js';
import { classifyAwsError } from '../../providers/aws/errors.js';
import { createCloudCalls } from '../../providers/cloud-call.js';
import { startManager } from '../app/manager.js';
import { createProvider } from '../app/provider-factory.js';
import { parseDuration } from '../config/duration.js';
import { ConfigError } from '../config/load.js';
import { runConfigSchema } from '../config/schema.js';
import { startLocalApiServer } from '../local/apiserver/index.js';
import { seedAwsCluster } from '../local/demo/aws-seed.js';
import { seedCluster } from '../local/demo/cluster-seed.js';
import { describeAwsState, describeClusterState } from '../local/demo/state-view.js';
import { startMotoServer } from '../local/moto.js';
import { createLogger, type LogLevel } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { ProblemBoard } from '../observability/problem-board.js';
import { waitForStopSignal } from './signals.js';

interface DemoOptions {
  readonly provider: string;
  readonly clusterName: string;
  readonly kubeconfigOut: string;
  readonly envOut?: string;
  readonly duration?: string;
  readonly logLevel: string;
  readonly interval: string;
}

const REGION = 'us-east-1';
const ZONES = ['us-east-1a', 'us-east-1b'];

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

function writeEnvFile(path: string, kubeconfigPath: string, awsEndpoint: string): void {
  const lines = [
    `export KUBECONFIG=${shellQuote(kubeconfigPath)}`,
    `export AWS_ENDPOINT_URL=${shellQuote(awsEndpoint)}`,
    `export AWS_REGION=${REGION}`,
    `export AWS_DEFAULT_REGION=${REGION}`,
    'export AWS_ACCESS_KEY_ID=test',
    'export AWS_SECRET_ACCESS_KEY=test',
  ];
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${lines.join('\n')}\n`, { mode: 0o600 });
}

function parseDemoDuration(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const ms = parseDuration(text);
  if (ms === undefined) throw new ConfigError(`${flag}: invalid duration "${text}" (use e.g. 30s, 5m)`);
  return ms;
}

async function runDemo(options: DemoOptions): Promise<void> {
  if (options.provider !== 'aws') {
    throw new ConfigError(
      '--provider: the demo runs on aws in this build (the local GCP endpoint is not built yet)',
    );
  }
  const durationMs = parseDemoDuration(options.duration, '--duration');
  const intervalMs = parseDemoDuration(options.interval, '--interval') ?? 2_000;
  const kubeconfigPath = resolve(options.kubeconfigOut);
  mkdirSync(dirname(kubeconfigPath), { recursive: true });
  const stopping: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stopping.reverse()) await stop().catch(() => undefined);
  };
  try {
    const apiServer = await startLocalApiServer({ kubeconfigPath });
    stopping.push(() => apiServer.stop());
    const moto = await startMotoServer();
    stopping.push(() => moto.stop());
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
    process.env.AWS_REGION = REGION;

    const metrics = createMetrics({ processMetrics: true });
    const seedCalls = createCloudCalls({
      provider: 'aws',
      metrics: createMetrics(),
      classify: classifyAwsError,
    });
    const seedClients = createAwsClients({ region: REGION, calls: seedCalls });
    stopping.push(async () => seedClients.destroy());
    const seeded = await seedAwsCluster(seedClients.ec2, {
      clusterName: options.clusterName,
      zones: ZONES,
      nodeCount: 3,
    });
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(apiServer.kubeconfigYaml());
    const core = kubeConfig.makeApiClient(CoreV1Api);
    await seedCluster(
      core,
      seeded.nodes.map((node) => ({
        nodeName: node.nodeName,
        providerId: `aws:///${node.zone}/${node.instanceId}`,
        internalIp: node.privateIp,
        podCidr: node.podCidr,
        zone: node.zone,
      })),
    );
    if (options.envOut) writeEnvFile(resolve(options.envOut), kubeconfigPath, moto.endpoint);

    const config = runConfigSchema(CONTROLLER_DEFINITIONS.map((definition) => definition.name)).parse({
      provider: 'aws',
      clusterName: options.clusterName,
      region: REGION,
      clusterCidr: ['10.244.0.0/16'],
      leaderElectNamespace: 'kube-system',
      metricsAddr: '127.0.0.1:0',
      healthAddr: '127.0.0.1:0',
      logLevel: options.logLevel,
    });
    const logger = createLogger({ level: config.logLevel as LogLevel, destination: process.stderr });
    const problems = new ProblemBoard();
    const provider = createProvider(config, metrics, problems);
    const manager = await startManager({
      config,
      kubeConfig,
      provider,
      definitions: CONTROLLER_DEFINITIONS,
      logger,
      metrics,
      problems,
    });
    stopping.push(() => manager.stop());

    print('Skyway demo: a local Kubernetes API server and moto_server (the AWS engine behind LocalStack).');
    print(`  kubeconfig:   ${kubeconfigPath}    (kubectl --kubeconfig ${kubeconfigPath} get nodes,svc)`);
    print(
      `  AWS endpoint: ${moto.endpoint}    (aws --endpoint-url ${moto.endpoint} ec2 describe-route-tables)`,
    );
    if (options.envOut)
      print(`  env file:     ${resolve(options.envOut)}    (source it in another terminal)`);
    if (manager.metricsUrl) print(`  metrics:      ${manager.metricsUrl}/metrics`);
    if (manager.healthUrl) print(`  health:       ${manager.healthUrl}/readyz`);
    const running = CONTROLLER_DEFINITIONS.map((definition) => definition.name).join(', ');
    print(`  controllers:  ${running}`);
    print('Press Ctrl-C to stop everything.');

    const stop = waitForStopSignal(durationMs);
    let last = '';
    for (;;) {
      const state = `cluster:\n${await describeClusterState(core)}\ncloud (vpc ${seeded.vpcId}):\n${await describeAwsState(
        seedClients.ec2,
        seedClients.elbv2,
        seeded.vpcId,
      )}`;
      if (state !== last) {
        print(`\n[${new Date().toISOString()}] leader=${manager.isLeader()}\n${state}`);
        last = state;
      }
      const reason = await Promise.race([stop.wait(intervalMs), manager.done]);
      if (reason) {
        print(`\nstopping (${typeof reason === 'string' ? reason : reason.reason})`);
        break;
      }
    }
  } finally {
    await stopAll();
  }
  print('demo stopped; everything it started is gone');
}

export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run Skyway against a local Kubernetes API server and a local AWS (moto_server), and watch it converge',
    )
    .addOption(new Option('--provider <aws>', 'cloud to emulate').default('aws'))
    .addOption(new Option('--cluster-name <name>', 'cluster name').default('demo'))
    .addOption(
      new Option('--kubeconfig-out <path>', 'where to write the demo kubeconfig').default(
        '.skyway/demo/kubeconfig',
      ),
    )
    .addOption(
      new Option(
        '--env-out <file>',
        'write shell exports (KUBECONFIG, AWS_ENDPOINT_URL, …) for a second terminal',
      ),
    )
    .addOption(
      new Option('--duration <duration>', 'stop by itself after this long (default: run until Ctrl-C)'),
    )
    .addOption(new Option('--interval <duration>', 'how often to look at the state').default('2s'))
    .addOption(new Option('--log-level <level>', 'controller log level (logs go to stderr)').default('warn'))
    .action(async (options: DemoOptions) => runDemo(options));
}
