import type { EC2Client, SecurityGroupRule } from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type Listener,
  type LoadBalancer,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import { formatStackId, type StackId } from '../../src/model/stack.js';
import {
  listLoadBalancers,
  listSecurityGroupRules,
  listSecurityGroups,
  listTargetGroups,
} from './elb-listing.js';
import type { ElbTagReader } from './elb-tags.js';
import type {
  ObservedListener,
  ObservedLoadBalancer,
  ObservedNlb,
  ObservedRule,
  ObservedSecurityGroup,
  ObservedTargetGroup,
} from './nlb-types.js';
import type { NodeSecurityGroups } from './node-security-groups.js';
import { isOwnedByStack, RESOURCE_TAG, STACK_TAG } from './tags.js';

export interface NlbObserverOptions {
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly ec2: EC2Client;
  readonly clusterName: string;
  readonly tags: ElbTagReader;
  readonly nodeGroups: NodeSecurityGroups;
  /** Per-resource describes in flight at once. */
  readonly concurrency: number;
}

type Attributes = Record<string, string>;

function attributeRecord(attributes: readonly { Key?: string; Value?: string }[] | undefined): Attributes {
  const record: Attributes = {};
  for (const attribute of attributes ?? []) if (attribute.Key) record[attribute.Key] = attribute.Value ?? '';
  return record;
}

/**
 * Everything the cluster owns for one stack, found by its tags (never by name: moto, and a half-finished create,
 * can leave two load balancers with one name). Reads: the load-balancer and target-group listings (tags cached per
 * ARN), the stack's security groups and rules (one filtered call each), the node groups (cached across stacks),
 * then per owned resource its listeners, attributes and targets.
 */
export async function observeNlb(
  options: NlbObserverOptions,
  stackId: StackId,
  signal: AbortSignal,
): Promise<ObservedNlb> {
  const stack = formatStackId(stackId);
  const owned = (tags: ReadonlyMap<string, string> | undefined) =>
    tags !== undefined && isOwnedByStack(tags, { clusterName: options.clusterName, stack });
  const stackFilter = [{ Name: `tag:${STACK_TAG}`, Values: [stack] }];

  const [loadBalancers, targetGroups, groups, rules] = await Promise.all([
    listLoadBalancers(options.elbv2, signal),
    listTargetGroups(options.elbv2, signal),
    listSecurityGroups(options.ec2, stackFilter, signal),
    listSecurityGroupRules(options.ec2, stackFilter, signal),
    // Warms the node listing in parallel; it is read below, knowing the registered targets.
    options.nodeGroups.resolve(signal),
  ]);
  const arns = [
    ...loadBalancers.map((lb) => lb.LoadBalancerArn),
    ...targetGroups.map((tg) => tg.TargetGroupArn),
  ];
  const tags = await options.tags.tags(
    arns.filter((arn): arn is string => arn !== undefined),
    signal,
  );
  options.tags.retainOnly(new Set(loadBalancers.map((lb) => lb.LoadBalancerArn ?? '')), 'loadbalancer');
  options.tags.retainOnly(new Set(targetGroups.map((tg) => tg.TargetGroupArn ?? '')), 'targetgroup');

  const limit = pLimit(options.concurrency);
  const ownedLbs = loadBalancers.filter((lb) => owned(tags.get(lb.LoadBalancerArn ?? '')));
  const ownedTgs = targetGroups.filter((tg) => owned(tags.get(tg.TargetGroupArn ?? '')));
  const [observedLbs, listeners, observedTgs] = await Promise.all([
    Promise.all(ownedLbs.map((lb) => limit(() => observeLoadBalancer(options.elbv2, lb, signal)))),
    Promise.all(
      ownedLbs.map((lb) => limit(() => observeListeners(options.elbv2, lb.LoadBalancerArn ?? '', signal))),
    ),
    Promise.all(
      ownedTgs.map((tg) =>
        limit(() => observeTargetGroup(options.elbv2, tg, tags.get(tg.TargetGroupArn ?? ''), signal)),
      ),
    ),
  ]);

  // Targets registered since the node listing was made (nodes that joined) must not read as unknown instances.
  const nodeGroups = await options.nodeGroups.resolveIncluding(
    observedTgs.flatMap((tg) => tg.targets.map((target) => target.id)),
    signal,
  );

  const securityGroups: ObservedSecurityGroup[] = groups
    .filter((group) => owned(new Map((group.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))))
    .map((group) => ({
      kind: 'securityGroup',
      id: group.GroupId ?? '',
      name: group.GroupName ?? '',
      vpcId: group.VpcId ?? '',
    }));
  const observedRules = rules
    .filter(
      (rule) =>
        !rule.IsEgress && owned(new Map((rule.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']))),
    )
    .map(observedRule);

  return {
    stack,
    loadBalancers: observedLbs,
    listeners: listeners.flat(),
    targetGroups: observedTgs,
    securityGroups,
    rules: observedRules,
    nodeSecurityGroups: nodeGroups.byInstance,
    nodeSecurityGroupProblems: nodeGroups.problems,
    clusterVpcId: nodeGroups.vpcId,
  };
}

function observedRule(rule: SecurityGroupRule): ObservedRule {
  return {
    id: rule.SecurityGroupRuleId ?? '',
    groupId: rule.GroupId ?? '',
    protocol: rule.IpProtocol ?? '',
    fromPort: rule.FromPort ?? -1,
    toPort: rule.ToPort ?? -1,
    cidr: rule.CidrIpv4 ?? rule.CidrIpv6,
    sourceGroupId: rule.ReferencedGroupInfo?.GroupId,
  };
}

async function observeLoadBalancer(
  elbv2: ElasticLoadBalancingV2Client,
  lb: LoadBalancer,
  signal: AbortSignal,
): Promise<ObservedLoadBalancer> {
  const arn = lb.LoadBalancerArn ?? '';
  const attributes = await elbv2.send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: arn }), {
    abortSignal: signal,
  });
  return {
    kind: 'loadBalancer',
    arn,
    name: lb.LoadBalancerName ?? '',
    dnsName: lb.DNSName ?? '',
    scheme: lb.Scheme ?? '',
    ipAddressType: lb.IpAddressType ?? '',
    vpcId: lb.VpcId ?? '',
    securityGroups: lb.SecurityGroups ?? [],
    createdAt: lb.CreatedTime?.toISOString() ?? '',
    attributes: attributeRecord(attributes.Attributes),
  };
}

async function observeListeners(
  elbv2: ElasticLoadBalancingV2Client,
  loadBalancerArn: string,
  signal: AbortSignal,
): Promise<ObservedListener[]> {
  const listeners: Listener[] = [];
  let marker: string | undefined;
  do {
    const page = await elbv2.send(
      new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn, Marker: marker }),
      {
        abortSignal: signal,
      },
    );
    listeners.push(...(page.Listeners ?? []));
    marker = page.NextMarker && page.NextMarker !== marker ? page.NextMarker : undefined;
  } while (marker !== undefined);
  return listeners.map((listener) => ({
    kind: 'listener',
    arn: listener.ListenerArn ?? '',
    loadBalancerArn,
    port: listener.Port ?? 0,
    protocol: listener.Protocol ?? '',
    certificateArns: (listener.Certificates ?? [])
      .map((certificate) => certificate.CertificateArn ?? '')
      .sort(),
    targetGroupArn: listener.DefaultActions?.find((action) => action.Type === 'forward')?.TargetGroupArn,
  }));
}

async function observeTargetGroup(
  elbv2: ElasticLoadBalancingV2Client,
  tg: TargetGroup,
  tags: ReadonlyMap<string, string> | undefined,
  signal: AbortSignal,
): Promise<ObservedTargetGroup> {
  const arn = tg.TargetGroupArn ?? '';
  const [health, attributes] = await Promise.all([
    elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), { abortSignal: signal }),
    elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }), { abortSignal: signal }),
  ]);
  return {
    kind: 'targetGroup',
    key: tags?.get(RESOURCE_TAG) ?? '',
    arn,
    name: tg.TargetGroupName ?? '',
    protocol: tg.Protocol ?? '',
    port: tg.Port ?? 0,
    vpcId: tg.VpcId ?? '',
    healthCheck: {
      protocol: tg.HealthCheckProtocol ?? '',
      port: tg.HealthCheckPort ?? '',
      path: tg.HealthCheckPath,
      intervalSeconds: tg.HealthCheckIntervalSeconds,
      timeoutSeconds: tg.HealthCheckTimeoutSeconds,
      healthyThreshold: tg.HealthyThresholdCount,
      unhealthyThreshold: tg.UnhealthyThresholdCount,
    },
    attributes: attributeRecord(attributes.Attributes),
    // A draining target is on its way out; counting it would make the plan deregister it twice.
    targets: (health.TargetHealthDescriptions ?? [])
      .filter((description) => description.TargetHealth?.State !== 'draining' && description.Target?.Id)
      .map((description) => ({
        id: description.Target?.Id ?? '',
        port: description.Target?.Port ?? tg.Port ?? 0,
      }))
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : a.port - b.port)),
  };
}
