/**
 * The ELBv2 steps of an NLB apply. Each is idempotent: a create that finds its resource already made (and ours)
 * succeeds, a delete of something gone succeeds.
 */
import {
  type Certificate,
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteListenerCommand,
  DeleteLoadBalancerCommand,
  DeleteTargetGroupCommand,
  DeregisterTargetsCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyLoadBalancerAttributesCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  RegisterTargetsCommand,
  SetSecurityGroupsCommand,
  type SubnetMapping,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { TerminalError } from '../../src/errors.js';
import { chunk } from './batches.js';
import { type ApplyContext, hasCode, resolveRef } from './nlb-apply-context.js';
import { nonDefaultAttributes } from './nlb-plan-target-groups.js';
import type {
  ListenerSpec,
  LoadBalancerSpec,
  ObservedListener,
  ObservedLoadBalancer,
  ObservedTargetGroup,
  TargetGroupSpec,
  TargetsSpec,
} from './nlb-types.js';
import { isOwnedByStack, tagList } from './tags.js';

/** RegisterTargets/DeregisterTargets chunk size, as cloud-provider-aws uses; node churn fits in one call. */
const TARGETS_PER_CALL = 100;

function subnetMappings(spec: LoadBalancerSpec, subnetIds: readonly string[]): SubnetMapping[] {
  const addresses = spec.scheme === 'internal' ? spec.privateIpv4Addresses : spec.eipAllocations;
  if (addresses.length > 0 && addresses.length !== subnetIds.length) {
    throw new TerminalError(
      spec.scheme === 'internal' ? 'privateIpv4Addresses' : 'eipAllocations',
      `${addresses.length} given for ${subnetIds.length} subnets; give exactly one per subnet`,
    );
  }
  return subnetIds.map((SubnetId, index) => {
    const address = addresses[index];
    if (!address) return { SubnetId };
    return spec.scheme === 'internal'
      ? { SubnetId, PrivateIPv4Address: address }
      : { SubnetId, AllocationId: address };
  });
}

export async function createLoadBalancer(context: ApplyContext, spec: LoadBalancerSpec): Promise<void> {
  const placement = await context.placement();
  const securityGroup = resolveRef(context, spec.securityGroup);
  const created = await context.elbv2.send(
    new CreateLoadBalancerCommand({
      Name: spec.name,
      Type: 'network',
      Scheme: spec.scheme,
      IpAddressType: spec.ipAddressType,
      SubnetMappings: subnetMappings(spec, placement.subnetIds),
      // Only at creation: an NLB made without a security group can never be given one.
      SecurityGroups: [securityGroup],
      Tags: tagList(spec.tags),
    }),
    { abortSignal: context.signal },
  );
  const lb = created.LoadBalancers?.[0];
  const arn = lb?.LoadBalancerArn ?? '';
  context.ids.set('lb', arn);
  context.tags.remember(arn, spec.tags);
  context.vpcId = lb?.VpcId ?? placement.vpcId;
  context.createdDnsName = lb?.DNSName;
  const attributes = Object.entries(spec.attributes).filter(
    ([key, value]) => !(key === 'load_balancing.cross_zone.enabled' && value === 'false'),
  );
  if (attributes.length > 0) {
    await context.elbv2.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: arn,
        Attributes: attributes.map(([Key, Value]) => ({ Key, Value })),
      }),
      { abortSignal: context.signal },
    );
  }
}

export async function updateLoadBalancer(
  context: ApplyContext,
  spec: LoadBalancerSpec,
  observed: ObservedLoadBalancer,
  changes: readonly string[],
): Promise<void> {
  const changedKeys = changes
    .filter((change) => change.startsWith('attribute '))
    .map((change) => change.slice(10));
  if (changedKeys.length > 0) {
    await context.elbv2.send(
      new ModifyLoadBalancerAttributesCommand({
        LoadBalancerArn: observed.arn,
        Attributes: changedKeys.map((Key) => ({ Key, Value: spec.attributes[Key] ?? '' })),
      }),
      { abortSignal: context.signal },
    );
  }
  if (changes.includes('securityGroups')) {
    await context.elbv2.send(
      new SetSecurityGroupsCommand({
        LoadBalancerArn: observed.arn,
        SecurityGroups: [resolveRef(context, spec.securityGroup)],
      }),
      { abortSignal: context.signal },
    );
  }
}

/** Deleting a load balancer deletes its listeners too. */
export async function deleteLoadBalancer(
  context: ApplyContext,
  observed: ObservedLoadBalancer,
): Promise<void> {
  try {
    await context.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: observed.arn }), {
      abortSignal: context.signal,
    });
  } catch (error) {
    if (!hasCode(error, 'LoadBalancerNotFound', 'LoadBalancerNotFoundException')) throw error;
  }
}

function healthCheckInput(spec: TargetGroupSpec) {
  const check = spec.healthCheck;
  return {
    HealthCheckProtocol: check.protocol,
    HealthCheckPort: check.port,
    ...(check.path !== undefined ? { HealthCheckPath: check.path } : {}),
    HealthCheckIntervalSeconds: check.intervalSeconds,
    HealthCheckTimeoutSeconds: check.timeoutSeconds,
    HealthyThresholdCount: check.healthyThreshold,
    UnhealthyThresholdCount: check.unhealthyThreshold,
  };
}

export async function createTargetGroup(context: ApplyContext, spec: TargetGroupSpec): Promise<void> {
  let arn: string;
  try {
    const created = await context.elbv2.send(
      new CreateTargetGroupCommand({
        Name: spec.name,
        Protocol: spec.protocol,
        Port: spec.port,
        VpcId: context.vpcId ?? (await context.placement()).vpcId,
        TargetType: 'instance',
        ...healthCheckInput(spec),
        Tags: tagList(spec.tags),
      }),
      { abortSignal: context.signal },
    );
    arn = created.TargetGroups?.[0]?.TargetGroupArn ?? '';
  } catch (error) {
    if (!hasCode(error, 'DuplicateTargetGroupName', 'DuplicateTargetGroupNameException')) throw error;
    arn = await ownTargetGroupNamed(context, spec);
  }
  context.ids.set(spec.key, arn);
  context.tags.remember(arn, spec.tags);
  const attributes = nonDefaultAttributes(spec.attributes);
  if (Object.keys(attributes).length > 0) {
    await context.elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: arn,
        Attributes: Object.entries(attributes).map(([Key, Value]) => ({ Key, Value })),
      }),
      { abortSignal: context.signal },
    );
  }
}

/** The group that holds our name already: reused if its tags prove it is this stack's, refused otherwise. */
async function ownTargetGroupNamed(context: ApplyContext, spec: TargetGroupSpec): Promise<string> {
  const found = await context.elbv2.send(new DescribeTargetGroupsCommand({ Names: [spec.name] }), {
    abortSignal: context.signal,
  });
  const arn = found.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const tags = (await context.tags.tags([arn], context.signal)).get(arn);
  const stack = spec.tags['skyway.dev/stack'] ?? '';
  if (!tags || !isOwnedByStack(tags, { clusterName: context.clusterName, stack })) {
    throw new TerminalError('name', `target group ${spec.name} exists and is not owned by ${stack}`);
  }
  return arn;
}

export async function updateTargetGroup(
  context: ApplyContext,
  spec: TargetGroupSpec,
  observed: ObservedTargetGroup,
  changes: readonly string[],
): Promise<void> {
  if (changes.some((change) => change.startsWith('healthCheck '))) {
    await context.elbv2.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: observed.arn, ...healthCheckInput(spec) }),
      {
        abortSignal: context.signal,
      },
    );
  }
  const keys = changes.filter((change) => change.startsWith('attribute ')).map((change) => change.slice(10));
  if (keys.length > 0) {
    await context.elbv2.send(
      new ModifyTargetGroupAttributesCommand({
        TargetGroupArn: observed.arn,
        Attributes: keys.map((Key) => ({ Key, Value: spec.attributes[Key] ?? '' })),
      }),
      { abortSignal: context.signal },
    );
  }
}

export async function deleteTargetGroup(context: ApplyContext, observed: ObservedTargetGroup): Promise<void> {
  try {
    await context.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: observed.arn }), {
      abortSignal: context.signal,
    });
  } catch (error) {
    if (!hasCode(error, 'TargetGroupNotFound', 'TargetGroupNotFoundException')) throw error;
  }
}

/** The diff of one target group in one RegisterTargets and one DeregisterTargets (per 100 targets). */
export async function syncTargets(context: ApplyContext, spec: TargetsSpec): Promise<void> {
  const arn = resolveRef(context, spec.targetGroup);
  for (const targets of chunk(spec.register, TARGETS_PER_CALL)) {
    await context.elbv2.send(
      new RegisterTargetsCommand({
        TargetGroupArn: arn,
        Targets: targets.map(({ id, port }) => ({ Id: id, Port: port })),
      }),
      { abortSignal: context.signal },
    );
  }
  for (const targets of chunk(spec.deregister, TARGETS_PER_CALL)) {
    try {
      await context.elbv2.send(
        new DeregisterTargetsCommand({
          TargetGroupArn: arn,
          Targets: targets.map(({ id, port }) => ({ Id: id, Port: port })),
        }),
        { abortSignal: context.signal },
      );
    } catch (error) {
      // A terminated instance is already out of the group.
      if (!hasCode(error, 'InvalidTarget', 'InvalidTargetException')) throw error;
    }
  }
}

function listenerShape(context: ApplyContext, spec: ListenerSpec) {
  const certificates: Certificate[] =
    spec.protocol === 'TLS' && spec.certificateArn ? [{ CertificateArn: spec.certificateArn }] : [];
  return {
    Port: spec.port,
    Protocol: spec.protocol,
    ...(certificates.length > 0 ? { Certificates: certificates } : {}),
    DefaultActions: [{ Type: 'forward' as const, TargetGroupArn: resolveRef(context, spec.targetGroup) }],
  };
}

export async function createListener(context: ApplyContext, spec: ListenerSpec): Promise<void> {
  await context.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: resolveRef(context, spec.loadBalancer),
      ...listenerShape(context, spec),
      Tags: tagList(spec.tags),
    }),
    { abortSignal: context.signal },
  );
}

export async function updateListener(
  context: ApplyContext,
  spec: ListenerSpec,
  observed: ObservedListener,
): Promise<void> {
  await context.elbv2.send(
    new ModifyListenerCommand({ ListenerArn: observed.arn, ...listenerShape(context, spec) }),
    {
      abortSignal: context.signal,
    },
  );
}

export async function deleteListener(context: ApplyContext, observed: ObservedListener): Promise<void> {
  try {
    await context.elbv2.send(new DeleteListenerCommand({ ListenerArn: observed.arn }), {
      abortSignal: context.signal,
    });
  } catch (error) {
    if (!hasCode(error, 'ListenerNotFound', 'ListenerNotFoundException')) throw error;
  }
}
