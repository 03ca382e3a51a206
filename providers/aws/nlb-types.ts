/**
 * The data an NLB stack's observe → plan → apply passes along: what exists (Observed*), and the payload of each
 * action (*Spec). Plain, JSON-safe data, so `skyway plan` can print a plan and tests can compare one.
 */
import type { L4LoadBalancer, LoadBalancerStatus } from '../../src/model/load-balancer.js';
import type { Action, Plan } from '../../src/plan.js';

export type ElbProtocol = 'TCP' | 'UDP' | 'TCP_UDP' | 'TLS';
export type IpProtocol = 'tcp' | 'udp';

/**
 * A reference to a resource of the stack: its diff key (`lb`, `sg`, `tg/TCP/30080`) and its id or ARN once known.
 * Apply resolves a reference without an id to what an earlier action of the same plan created.
 */
export interface ResourceRef {
  readonly key: string;
  readonly id?: string;
}

export interface ObservedHealthCheck {
  readonly protocol: string;
  /** A port number as text, or `traffic-port`. */
  readonly port: string;
  readonly path: string | undefined;
  readonly intervalSeconds: number | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly healthyThreshold: number | undefined;
  readonly unhealthyThreshold: number | undefined;
}

export interface ObservedLoadBalancer {
  readonly kind: 'loadBalancer';
  readonly arn: string;
  readonly name: string;
  readonly dnsName: string;
  readonly scheme: string;
  readonly ipAddressType: string;
  readonly vpcId: string;
  readonly securityGroups: readonly string[];
  readonly createdAt: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ObservedListener {
  readonly kind: 'listener';
  readonly arn: string;
  readonly loadBalancerArn: string;
  readonly port: number;
  readonly protocol: string;
  readonly certificateArns: readonly string[];
  /** The target group of the default forward action. */
  readonly targetGroupArn: string | undefined;
}

export interface ObservedTarget {
  readonly id: string;
  readonly port: number;
}

export interface ObservedTargetGroup {
  readonly kind: 'targetGroup';
  /** The `skyway.dev/resource` tag. */
  readonly key: string;
  readonly arn: string;
  readonly name: string;
  readonly protocol: string;
  readonly port: number;
  readonly vpcId: string;
  readonly healthCheck: ObservedHealthCheck;
  readonly attributes: Readonly<Record<string, string>>;
  /** Registered targets, those draining (deregistration in progress) left out. */
  readonly targets: readonly ObservedTarget[];
}

export interface ObservedSecurityGroup {
  readonly kind: 'securityGroup';
  readonly id: string;
  readonly name: string;
  readonly vpcId: string;
}

/** One ingress rule, as `AuthorizeSecurityGroupIngress` takes it: one protocol, one port range, one source. */
export interface IngressRule {
  readonly protocol: IpProtocol;
  readonly fromPort: number;
  readonly toPort: number;
  /** A CIDR (IPv4 or IPv6) or a security group. */
  readonly source: { readonly cidr: string } | { readonly group: ResourceRef };
  readonly description: string;
}

export interface ObservedRule {
  readonly id: string;
  readonly groupId: string;
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidr: string | undefined;
  readonly sourceGroupId: string | undefined;
}

/** Everything the cluster owns for one stack, found by its tags. */
export interface ObservedNlb {
  readonly stack: string;
  /** Normally one; more after a crash on an endpoint that allows duplicate names, or with a predecessor's. */
  readonly loadBalancers: readonly ObservedLoadBalancer[];
  readonly listeners: readonly ObservedListener[];
  readonly targetGroups: readonly ObservedTargetGroup[];
  readonly securityGroups: readonly ObservedSecurityGroup[];
  /** Ingress rules tagged as the stack's, on its own security group and on the nodes'. */
  readonly rules: readonly ObservedRule[];
  /** Node instance id → the security group that takes the load balancer's rules (see node-security-groups.ts). */
  readonly nodeSecurityGroups: Readonly<Record<string, string>>;
  /** Instances whose security group cannot be told (several tagged groups), with the reason. */
  readonly nodeSecurityGroupProblems: Readonly<Record<string, string>>;
  /** The VPC the node instances run in: where discovered subnets and the security group are looked for. */
  readonly clusterVpcId: string | undefined;
}

export interface SecurityGroupSpec {
  readonly kind: 'securityGroup';
  readonly name: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
}

export interface LoadBalancerSpec {
  readonly kind: 'loadBalancer';
  readonly name: string;
  readonly scheme: L4LoadBalancer['scheme'];
  readonly ipAddressType: L4LoadBalancer['ipAddressType'];
  /** Subnet ids or Name tags; empty = discover by role and cluster tags. */
  readonly subnets: readonly string[];
  readonly eipAllocations: readonly string[];
  readonly privateIpv4Addresses: readonly string[];
  readonly securityGroup: ResourceRef;
  /** Only the attributes Skyway manages; others are left as they are. */
  readonly attributes: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface HealthCheckSpec {
  readonly protocol: 'HTTP' | 'HTTPS' | 'TCP';
  readonly port: string;
  readonly path: string | undefined;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

export interface TargetGroupSpec {
  readonly kind: 'targetGroup';
  readonly key: string;
  readonly name: string;
  readonly protocol: Exclude<ElbProtocol, 'TLS'>;
  readonly port: number;
  readonly healthCheck: HealthCheckSpec;
  readonly attributes: Readonly<Record<string, string>>;
  /** Where the target group lives: the load balancer's VPC. */
  readonly loadBalancer: ResourceRef;
  readonly tags: Readonly<Record<string, string>>;
}

/** One RegisterTargets and one DeregisterTargets at most: the diff of a target group's instances. */
export interface TargetsSpec {
  readonly kind: 'targets';
  readonly targetGroup: ResourceRef;
  readonly register: readonly ObservedTarget[];
  readonly deregister: readonly ObservedTarget[];
}

export interface ListenerSpec {
  readonly kind: 'listener';
  readonly port: number;
  readonly protocol: ElbProtocol;
  readonly certificateArn: string | undefined;
  readonly loadBalancer: ResourceRef;
  readonly targetGroup: ResourceRef;
  readonly tags: Readonly<Record<string, string>>;
}

/** The rules to add to and remove from one security group (one Authorize and one Revoke call at most). */
export interface RulesSpec {
  readonly kind: 'rules';
  /** `lb`: the stack's own group (by ref); `node`: a node security group, by id. */
  readonly role: 'lb' | 'node';
  readonly group: ResourceRef;
  readonly authorize: readonly IngressRule[];
  readonly revoke: readonly ObservedRule[];
  readonly tags: Readonly<Record<string, string>>;
}

export type NlbSpec =
  | SecurityGroupSpec
  | LoadBalancerSpec
  | TargetGroupSpec
  | TargetsSpec
  | ListenerSpec
  | RulesSpec;
export type NlbObserved =
  | ObservedSecurityGroup
  | ObservedLoadBalancer
  | ObservedTargetGroup
  | ObservedListener
  | { readonly kind: 'rules'; readonly rules: readonly ObservedRule[] };

export type NlbAction = Action<NlbSpec, NlbObserved>;

/**
 * A plan for one stack. Besides the actions it carries what apply needs when there is nothing to do: the status of
 * the load balancer that stays.
 */
export interface NlbPlan extends Plan<NlbSpec, NlbObserved> {
  readonly nlb: {
    readonly stack: string;
    /** The status when the kept load balancer is not replaced; undefined when apply creates one or tears down. */
    readonly status: LoadBalancerStatus | undefined;
    /** The VPC of the load balancer that stays, where new target groups and a new security group go. */
    readonly vpcId: string | undefined;
    /** The VPC of the node instances, where subnets for a new load balancer are looked for. */
    readonly clusterVpcId: string | undefined;
  };
}
