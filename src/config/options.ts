/**
 * Every `skyway run` / `skyway plan` flag, in one table: the CLI, the SKYWAY_* environment variables, the config
 * file keys and the README's configuration reference all come from it.
 */
export interface OptionSpec {
  /** The config key (camelCase), also the key in a `--config` YAML file. */
  readonly key: string;
  /** The long flag without dashes: `cluster-name`. Env var: SKYWAY_CLUSTER_NAME. */
  readonly flag: string;
  readonly valueName: string;
  readonly description: string;
  /** The default as a user would write it; undefined = required or unset. */
  readonly defaultText?: string;
}

export const RUN_OPTIONS: readonly OptionSpec[] = [
  { key: 'provider', flag: 'provider', valueName: 'aws|gcp', description: 'Cloud provider.' },
  {
    key: 'clusterName',
    flag: 'cluster-name',
    valueName: 'name',
    description:
      'Cluster name, used in the kubernetes.io/cluster/<name> ownership tag and GCP name prefixes.',
  },
  {
    key: 'region',
    flag: 'region',
    valueName: 'region',
    description:
      'Cloud region (AWS: else AWS_REGION / AWS_DEFAULT_REGION; GCP: the region of regional resources).',
  },
  {
    key: 'project',
    flag: 'project',
    valueName: 'id',
    description: 'GCP project id (required with --provider gcp).',
  },
  {
    key: 'kubeconfig',
    flag: 'kubeconfig',
    valueName: 'path',
    description:
      'Kubeconfig file; else KUBECONFIG, else the in-cluster service account, else ~/.kube/config.',
  },
  {
    key: 'controllers',
    flag: 'controllers',
    valueName: 'list',
    description: 'Comma list of controllers to run.',
    defaultText: 'every controller in this build',
  },
  {
    key: 'clusterCidr',
    flag: 'cluster-cidr',
    valueName: 'cidrs',
    description: 'Comma list of pod CIDRs (IPv4 and/or IPv6); only routes inside them are ever managed.',
  },
  {
    key: 'leaderElect',
    flag: 'leader-elect',
    valueName: 'true|false',
    description: 'Elect a leader on a coordination.k8s.io Lease; only the leader reconciles.',
    defaultText: 'true',
  },
  {
    key: 'leaderElectNamespace',
    flag: 'leader-elect-namespace',
    valueName: 'ns',
    description: 'Namespace of the Lease.',
    defaultText: '$POD_NAMESPACE, else kube-system',
  },
  {
    key: 'leaderElectName',
    flag: 'leader-elect-name',
    valueName: 'name',
    description: 'Lease name.',
    defaultText: 'skyway',
  },
  {
    key: 'leaderElectLeaseDuration',
    flag: 'leader-elect-lease-duration',
    valueName: 'duration',
    description: 'How long a non-leader waits after the last renewal before taking over.',
    defaultText: '15s',
  },
  {
    key: 'leaderElectRenewDeadline',
    flag: 'leader-elect-renew-deadline',
    valueName: 'duration',
    description: 'How long the leader keeps trying to renew before it stops reconciling (< lease duration).',
    defaultText: '10s',
  },
  {
    key: 'leaderElectRetryPeriod',
    flag: 'leader-elect-retry-period',
    valueName: 'duration',
    description: 'Interval between acquire/renew attempts (< renew deadline).',
    defaultText: '2s',
  },
  {
    key: 'metricsAddr',
    flag: 'metrics-addr',
    valueName: 'host:port',
    description: 'Listen address of /metrics; "0" disables it.',
    defaultText: ':8080',
  },
  {
    key: 'healthAddr',
    flag: 'health-addr',
    valueName: 'host:port',
    description: 'Listen address of /healthz and /readyz; "0" disables it.',
    defaultText: ':8081',
  },
  {
    key: 'concurrency',
    flag: 'concurrency',
    valueName: 'n',
    description: 'Reconcile workers per controller.',
    defaultText: '5',
  },
  {
    key: 'resyncPeriod',
    flag: 'resync-period',
    valueName: 'duration',
    description: 'Every period, every object is reconciled again even without a change.',
    defaultText: '10m',
  },
  {
    key: 'logLevel',
    flag: 'log-level',
    valueName: 'level',
    description: 'trace, debug, info, warn, error, fatal or silent.',
    defaultText: 'info',
  },
  {
    key: 'cloudQps',
    flag: 'cloud-qps',
    valueName: 'n',
    description: 'Client-side request rate per cloud service (ec2, elbv2, compute), requests per second.',
    defaultText: '10',
  },
  {
    key: 'cloudBurst',
    flag: 'cloud-burst',
    valueName: 'n',
    description: 'Client-side burst per cloud service.',
    defaultText: '20',
  },
  {
    key: 'awsRouteTableIds',
    flag: 'aws-route-table-ids',
    valueName: 'ids',
    description:
      'Comma list of route table ids to manage instead of the tables tagged kubernetes.io/cluster/<name>.',
  },
  {
    key: 'routeConcurrency',
    flag: 'route-concurrency',
    valueName: 'n',
    description: 'Route create/replace/delete calls in flight at once.',
    defaultText: '20',
  },
  {
    key: 'manageSourceDestCheck',
    flag: 'manage-source-dest-check',
    valueName: 'true|false',
    description: 'AWS: turn source/destination checks off on node instances so they can forward pod traffic.',
    defaultText: 'true',
  },
  {
    key: 'loadBalancerClass',
    flag: 'load-balancer-class',
    valueName: 'class',
    description: 'spec.loadBalancerClass of the Services Skyway serves.',
    defaultText: 'skyway.dev/nlb',
  },
  {
    key: 'manageUnclassedServices',
    flag: 'manage-unclassed-services',
    valueName: 'true|false',
    description:
      'Also serve LoadBalancer Services with no spec.loadBalancerClass (false where another controller owns them).',
    defaultText: 'true',
  },
  {
    key: 'gc',
    flag: 'gc',
    valueName: 'true|false',
    description: 'At start and every resync, delete owned load balancers whose Service no longer exists.',
    defaultText: 'true',
  },
  {
    key: 'gcpEndpoint',
    flag: 'gcp-endpoint',
    valueName: 'url',
    description: 'Compute API endpoint override, e.g. http://127.0.0.1:8085 for a local endpoint.',
  },
];

export function envName(flag: string): string {
  return `SKYWAY_${flag.toUpperCase().replaceAll('-', '_')}`;
}
