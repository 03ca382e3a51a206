/**
 * The NLB planner: pure, from the desired load balancer (or null: tear down) and what the stack owns, to the
 * smallest list of actions, in the order apply runs them. In sync means no action at all.
 */
import type { L4LoadBalancer } from '../../src/model/load-balancer.js';
import { formatStackId } from '../../src/model/stack.js';
import type { PlanConflict } from '../../src/plan.js';
import { securityGroupName } from './names.js';
import { diffRules, loadBalancerRules, nodeRules } from './nlb-plan-rules.js';
import {
  attributeChanges,
  desiredTargetGroups,
  diffTargets,
  healthCheckChanges,
  listenerChanges,
  listenerKey,
  loadBalancerAttributes,
  targetGroupKey,
} from './nlb-plan-target-groups.js';
import type {
  IngressRule,
  LoadBalancerSpec,
  NlbAction,
  NlbPlan,
  ObservedLoadBalancer,
  ObservedNlb,
  ObservedRule,
  ObservedSecurityGroup,
  ObservedTargetGroup,
  ResourceRef,
} from './nlb-types.js';
import { stackResourceTags } from './tags.js';

export interface NlbPlanOptions {
  readonly clusterName: string;
}

/** The oldest first, so duplicates left by a crash resolve to the same survivor on every reconcile. */
function byAge(a: ObservedLoadBalancer, b: ObservedLoadBalancer): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.arn < b.arn ? -1 : 1;
}

function sortedGroups(groups: readonly ObservedSecurityGroup[]): ObservedSecurityGroup[] {
  return [...groups].sort((a, b) => (a.id < b.id ? -1 : 1));
}

export function planNlb(
  options: NlbPlanOptions,
  desired: L4LoadBalancer | null,
  observed: ObservedNlb,
): NlbPlan {
  return desired === null ? planTeardown(observed) : planStack(options, desired, observed);
}

/** Everything goes: node rules first (they reference the group), then load balancers, target groups, groups. */
function planTeardown(observed: ObservedNlb): NlbPlan {
  const ownGroups = new Set(observed.securityGroups.map((group) => group.id));
  const actions: NlbAction[] = [
    ...revokeAll(observed.rules.filter((rule) => !ownGroups.has(rule.groupId))),
    ...[...observed.loadBalancers]
      .sort(byAge)
      .map((lb): NlbAction => ({ op: 'delete', id: `lb/${lb.name}/${lb.arn}`, observed: lb })),
    ...observed.targetGroups.map(
      (tg): NlbAction => ({ op: 'delete', id: `${tg.key}/${tg.arn}`, observed: tg }),
    ),
    ...sortedGroups(observed.securityGroups).map(
      (group): NlbAction => ({ op: 'delete', id: `sg/${group.id}`, observed: group }),
    ),
  ];
  return {
    scope: observed.stack,
    actions,
    conflicts: [],
    nlb: { stack: observed.stack, status: undefined, vpcId: undefined, clusterVpcId: observed.clusterVpcId },
  };
}

/** One revoke action per group, for rules that must go whatever the desired state. */
function revokeAll(rules: readonly ObservedRule[]): NlbAction[] {
  const byGroup = new Map<string, ObservedRule[]>();
  for (const rule of rules) byGroup.set(rule.groupId, [...(byGroup.get(rule.groupId) ?? []), rule]);
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([groupId, groupRules]) => ({
      op: 'update',
      id: `rules/${groupId}`,
      desired: {
        kind: 'rules',
        role: 'node',
        group: { key: groupId, id: groupId },
        authorize: [],
        revoke: groupRules,
        tags: {},
      },
      observed: { kind: 'rules', rules: groupRules },
      changes: [`revoke ${groupRules.length}`],
    }));
}

function planStack(options: NlbPlanOptions, desired: L4LoadBalancer, observed: ObservedNlb): NlbPlan {
  const stack = formatStackId(desired.stack);
  const tagsFor = (resource: string) =>
    stackResourceTags({ clusterName: options.clusterName, stack, resource, extra: desired.tags });
  const actions: NlbAction[] = [];
  const conflicts: PlanConflict[] = [];

  // The security group: the one with our name, or a new one. Any other owned group goes at the end.
  const groupName = securityGroupName(desired.name);
  const group = sortedGroups(observed.securityGroups).find((candidate) => candidate.name === groupName);
  const groupRef: ResourceRef = group ? { key: 'sg', id: group.id } : { key: 'sg' };
  if (!group) {
    actions.push({
      op: 'create',
      id: 'sg',
      desired: {
        kind: 'securityGroup',
        name: groupName,
        description: `Skyway load balancer ${stack}`,
        tags: tagsFor('sg'),
      },
    });
  }
  actions.push(
    ...rulesActions(
      'lb',
      groupRef,
      loadBalancerRules(desired, stack),
      observed.rules.filter((rule) => group !== undefined && rule.groupId === group.id),
      tagsFor('rule'),
    ),
  );

  // The load balancer: the oldest with our name stays (or is replaced); the rest are deleted.
  const [kept, ...extras] = observed.loadBalancers.filter((lb) => lb.name === desired.name).sort(byAge);
  const strays = observed.loadBalancers.filter((lb) => lb.name !== desired.name);
  for (const lb of [...extras, ...strays].sort(byAge)) {
    actions.push({ op: 'delete', id: `lb/${lb.name}/${lb.arn}`, observed: lb });
  }
  const lbSpec: LoadBalancerSpec = {
    kind: 'loadBalancer',
    name: desired.name,
    scheme: desired.scheme,
    ipAddressType: desired.ipAddressType,
    subnets: desired.subnets,
    eipAllocations: desired.eipAllocations,
    privateIpv4Addresses: desired.privateIpv4Addresses,
    securityGroup: groupRef,
    attributes: loadBalancerAttributes(desired),
    tags: tagsFor('lb'),
  };
  const replaceReason = kept ? replaceReasonFor(lbSpec, kept, group) : undefined;
  /** The load balancer listeners attach to, if it stays as it is. */
  const stays = kept !== undefined && replaceReason === undefined ? kept : undefined;
  if (!kept) {
    actions.push({ op: 'create', id: 'lb', desired: lbSpec });
  } else if (replaceReason) {
    actions.push({ op: 'replace', id: 'lb', desired: lbSpec, observed: kept, reason: replaceReason });
  } else {
    const changes = [
      ...attributeChanges(lbSpec.attributes, kept.attributes, 'loadBalancer').map(
        (key) => `attribute ${key}`,
      ),
      ...(group && !kept.securityGroups.includes(group.id) ? ['securityGroups'] : []),
    ];
    if (changes.length > 0)
      actions.push({ op: 'update', id: 'lb', desired: lbSpec, observed: kept, changes });
  }
  const lbRef: ResourceRef = stays ? { key: 'lb', id: stays.arn } : { key: 'lb' };

  // Target groups, their targets, then listeners.
  const tgSpecs = desiredTargetGroups(desired, tagsFor).map((spec) => ({ ...spec, loadBalancer: lbRef }));
  const keptGroups = new Map<string, ObservedTargetGroup>();
  for (const tg of observed.targetGroups) {
    if (tgSpecs.some((spec) => spec.key === tg.key && spec.name === tg.name) && !keptGroups.has(tg.key)) {
      keptGroups.set(tg.key, tg);
    }
  }
  const targetActions: NlbAction[] = [];
  for (const spec of tgSpecs) {
    const existing = keptGroups.get(spec.key);
    if (!existing) {
      actions.push({ op: 'create', id: spec.key, desired: spec });
    } else {
      const changes = [
        ...healthCheckChanges(spec.healthCheck, existing.healthCheck).map((field) => `healthCheck ${field}`),
        ...attributeChanges(spec.attributes, existing.attributes, 'targetGroup').map(
          (key) => `attribute ${key}`,
        ),
      ];
      if (changes.length > 0)
        actions.push({ op: 'update', id: spec.key, desired: spec, observed: existing, changes });
    }
    const diff = diffTargets(desired.targets, spec.port, existing);
    if (diff.register.length > 0 || diff.deregister.length > 0) {
      const targets = {
        kind: 'targets' as const,
        targetGroup: existing ? { key: spec.key, id: existing.arn } : { key: spec.key },
        register: diff.register,
        deregister: diff.deregister,
      };
      const id = `targets/${spec.key}`;
      targetActions.push(
        existing
          ? {
              op: 'update',
              id,
              desired: targets,
              observed: existing,
              changes: [`register ${diff.register.length}`, `deregister ${diff.deregister.length}`],
            }
          : { op: 'create', id, desired: targets },
      );
    }
  }
  actions.push(...targetActions);

  const observedListeners = stays
    ? observed.listeners.filter((listener) => listener.loadBalancerArn === stays.arn)
    : [];
  const wantedPorts = new Set<number>();
  for (const port of desired.ports) {
    if (wantedPorts.has(port.port)) {
      conflicts.push({
        id: listenerKey(port.port),
        object: stack,
        message: `two Service ports use port ${port.port}`,
      });
      continue;
    }
    wantedPorts.add(port.port);
    const key = targetGroupKey(port);
    const tg = keptGroups.get(key);
    const spec = {
      kind: 'listener' as const,
      port: port.port,
      protocol: port.protocol,
      certificateArn: port.protocol === 'TLS' ? desired.certificateArn : undefined,
      loadBalancer: lbRef,
      targetGroup: tg ? { key, id: tg.arn } : { key },
      tags: tagsFor(listenerKey(port.port)),
    };
    const existing = observedListeners.find((listener) => listener.port === port.port);
    if (!existing) {
      actions.push({ op: 'create', id: listenerKey(port.port), desired: spec });
      continue;
    }
    const changes = listenerChanges({ ...spec, targetGroupArn: tg?.arn }, existing);
    if (changes.length > 0) {
      actions.push({ op: 'update', id: listenerKey(port.port), desired: spec, observed: existing, changes });
    }
  }
  for (const listener of observedListeners) {
    if (!wantedPorts.has(listener.port)) {
      actions.push({ op: 'delete', id: `${listenerKey(listener.port)}/${listener.arn}`, observed: listener });
    }
  }

  // Node groups admit the load balancer's group; rules on groups no target uses any more are revoked.
  const ownGroups = new Set(observed.securityGroups.map((candidate) => candidate.id));
  const nodeGroups = new Set<string>();
  let unresolved = false;
  for (const id of desired.targets) {
    const nodeGroup = observed.nodeSecurityGroups[id];
    if (nodeGroup) nodeGroups.add(nodeGroup);
    const problem = observed.nodeSecurityGroupProblems[id];
    if (problem) conflicts.push({ id: `node-sg/${id}`, object: stack, message: problem });
    unresolved ||= !nodeGroup && !problem;
  }
  const nodeRuleSet = nodeRules(desired, stack, groupRef);
  const observedNodeRules = observed.rules.filter((rule) => !ownGroups.has(rule.groupId));
  const touchedGroups = new Set([...nodeGroups, ...observedNodeRules.map((rule) => rule.groupId)]);
  for (const nodeGroup of [...touchedGroups].sort()) {
    const wanted = nodeGroups.has(nodeGroup);
    const present = observedNodeRules.filter((rule) => rule.groupId === nodeGroup);
    // A target whose group is not known yet may sit in this one: keep what is there until it is known.
    const kept = unresolved ? present.filter((rule) => rule.sourceGroupId === group?.id) : [];
    actions.push(
      ...rulesActions(
        'node',
        { key: nodeGroup, id: nodeGroup },
        wanted ? nodeRuleSet : [],
        present,
        tagsFor('rule'),
        kept,
      ),
    );
  }

  // Target groups nobody forwards to any more, then the groups of a predecessor.
  for (const tg of observed.targetGroups) {
    if (keptGroups.get(tg.key) !== tg)
      actions.push({ op: 'delete', id: `${tg.key}/${tg.arn}`, observed: tg });
  }
  for (const stale of sortedGroups(observed.securityGroups)) {
    if (stale !== group) actions.push({ op: 'delete', id: `sg/${stale.id}`, observed: stale });
  }

  return {
    scope: stack,
    actions,
    conflicts,
    nlb: {
      stack,
      status: stays ? { ingress: [{ hostname: stays.dnsName }] } : undefined,
      vpcId: stays?.vpcId,
      clusterVpcId: observed.clusterVpcId,
    },
  };
}

/** AWS cannot change these in place: the load balancer is deleted and made again (with a new DNS name). */
function replaceReasonFor(
  spec: LoadBalancerSpec,
  observed: ObservedLoadBalancer,
  group: ObservedSecurityGroup | undefined,
): string | undefined {
  if (spec.scheme !== observed.scheme) return `scheme ${observed.scheme} → ${spec.scheme}`;
  if (spec.ipAddressType !== observed.ipAddressType) {
    return `ipAddressType ${observed.ipAddressType} → ${spec.ipAddressType}`;
  }
  // An NLB made without a security group can never get one.
  if (group && observed.securityGroups.length === 0) return 'no security group';
  return undefined;
}

function rulesActions(
  role: 'lb' | 'node',
  group: ResourceRef,
  desired: readonly IngressRule[],
  observed: readonly ObservedRule[],
  tags: Record<string, string>,
  keep: readonly ObservedRule[] = [],
): NlbAction[] {
  const diff = diffRules(desired, observed);
  const revoke = diff.revoke.filter((rule) => !keep.includes(rule));
  if (diff.authorize.length === 0 && revoke.length === 0) return [];
  return [
    {
      op: 'update',
      id: role === 'lb' ? 'rules/sg' : `rules/${group.key}`,
      desired: { kind: 'rules', role, group, authorize: diff.authorize, revoke, tags },
      observed: { kind: 'rules', rules: observed },
      changes: [`authorize ${diff.authorize.length}`, `revoke ${revoke.length}`],
    },
  ];
}
