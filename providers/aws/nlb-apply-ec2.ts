/** The EC2 steps of an NLB apply: the load balancer's security group and the ingress rules Skyway adds. */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { TerminalError } from '../../src/errors.js';
import { listSecurityGroups } from './elb-listing.js';
import { type ApplyContext, hasCode, resolveRef } from './nlb-apply-context.js';
import type { IngressRule, ObservedSecurityGroup, RulesSpec, SecurityGroupSpec } from './nlb-types.js';
import { isOwnedByStack, STACK_TAG, tagList } from './tags.js';

export async function createSecurityGroup(context: ApplyContext, spec: SecurityGroupSpec): Promise<void> {
  const vpcId = context.vpcId ?? (await context.placement()).vpcId;
  try {
    const created = await context.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: spec.name,
        Description: spec.description,
        VpcId: vpcId,
        TagSpecifications: [{ ResourceType: 'security-group', Tags: tagList(spec.tags) }],
      }),
      { abortSignal: context.signal },
    );
    context.ids.set('sg', created.GroupId ?? '');
  } catch (error) {
    if (!hasCode(error, 'InvalidGroup.Duplicate')) throw error;
    context.ids.set('sg', await ownGroupNamed(context, spec, vpcId));
  }
}

/** A group with our name in the VPC: reused only when its tags prove it is this stack's. */
async function ownGroupNamed(context: ApplyContext, spec: SecurityGroupSpec, vpcId: string): Promise<string> {
  const [group] = await listSecurityGroups(
    context.ec2,
    [
      { Name: 'group-name', Values: [spec.name] },
      { Name: 'vpc-id', Values: [vpcId] },
    ],
    context.signal,
  );
  const stack = spec.tags[STACK_TAG] ?? '';
  if (!group?.GroupId || !isOwnedByStack(group.Tags, { clusterName: context.clusterName, stack })) {
    throw new TerminalError(
      'name',
      `security group ${spec.name} exists in ${vpcId} and is not owned by ${stack}`,
    );
  }
  return group.GroupId;
}

/** Fails with DependencyViolation while the deleted load balancer's interfaces linger: the reconcile retries. */
export async function deleteSecurityGroup(
  context: ApplyContext,
  observed: ObservedSecurityGroup,
): Promise<void> {
  try {
    await context.ec2.send(new DeleteSecurityGroupCommand({ GroupId: observed.id }), {
      abortSignal: context.signal,
    });
  } catch (error) {
    if (!hasCode(error, 'InvalidGroup.NotFound')) throw error;
  }
}

function permission(context: ApplyContext, rule: IngressRule): IpPermission {
  const base = { IpProtocol: rule.protocol, FromPort: rule.fromPort, ToPort: rule.toPort };
  if ('group' in rule.source) {
    return {
      ...base,
      UserIdGroupPairs: [{ GroupId: resolveRef(context, rule.source.group), Description: rule.description }],
    };
  }
  const { cidr } = rule.source;
  return cidr.includes(':')
    ? { ...base, Ipv6Ranges: [{ CidrIpv6: cidr, Description: rule.description }] }
    : { ...base, IpRanges: [{ CidrIp: cidr, Description: rule.description }] };
}

/**
 * One AuthorizeSecurityGroupIngress for every missing rule (tagged, so the next observe finds them) and one
 * RevokeSecurityGroupIngress by rule id for every stale one. A batch that fails because one rule is already there
 * (or already gone) is retried rule by rule, skipping that one.
 */
export async function syncRules(context: ApplyContext, spec: RulesSpec): Promise<void> {
  const groupId = resolveRef(context, spec.group);
  if (spec.authorize.length > 0) {
    const authorize = (rules: readonly IngressRule[]) =>
      context.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: groupId,
          IpPermissions: rules.map((rule) => permission(context, rule)),
          TagSpecifications: [{ ResourceType: 'security-group-rule', Tags: tagList(spec.tags) }],
        }),
        { abortSignal: context.signal },
      );
    try {
      await authorize(spec.authorize);
    } catch (error) {
      if (!hasCode(error, 'InvalidPermission.Duplicate')) throw error;
      for (const rule of spec.authorize) {
        try {
          await authorize([rule]);
        } catch (single) {
          if (!hasCode(single, 'InvalidPermission.Duplicate')) throw single;
        }
      }
    }
  }
  if (spec.revoke.length > 0) {
    const revoke = (ids: string[]) =>
      context.ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: ids }),
        {
          abortSignal: context.signal,
        },
      );
    const gone = [
      'InvalidPermission.NotFound',
      'InvalidSecurityGroupRuleId.NotFound',
      'InvalidGroup.NotFound',
    ];
    try {
      await revoke(spec.revoke.map((rule) => rule.id));
    } catch (error) {
      if (!hasCode(error, ...gone)) throw error;
      for (const rule of spec.revoke) {
        try {
          await revoke([rule.id]);
        } catch (single) {
          if (!hasCode(single, ...gone)) throw single;
        }
      }
    }
  }
}
