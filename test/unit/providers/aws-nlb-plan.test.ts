import { describe, expect, it } from 'vitest';
import { nlbName, securityGroupName, targetGroupName } from '../../../providers/aws/names.js';
import { planNlb } from '../../../providers/aws/nlb-plan.js';
import type {
  NlbAction,
  ObservedListener,
  ObservedNlb,
  ObservedRule,
  ObservedTargetGroup,
} from '../../../providers/aws/nlb-types.js';
import type { L4LoadBalancer } from '../../../src/model/load-balancer.js';
import { desiredNlb, port } from '../../support/l4-fixtures.js';

const STACK = { kind: 'service', namespace: 'default', name: 'web' } as const;
const NAME = nlbName('default', 'web', 'uid');
const LB_ARN = 'arn:lb/1';
const SG = 'sg-lb';
const NODE_SG = 'sg-nodes';
const NODES = ['i-1', 'i-2', 'i-3'];

function desired(overrides: Partial<L4LoadBalancer> = {}): L4LoadBalancer {
  return desiredNlb(STACK, NAME, { targets: NODES, ...overrides });
}

function rule(
  groupId: string,
  protocol: string,
  port: number,
  source: { cidr?: string; group?: string },
): ObservedRule {
  return {
    id: `sgr-${groupId}-${protocol}-${port}-${source.cidr ?? source.group}`,
    groupId,
    protocol,
    fromPort: port,
    toPort: port,
    cidr: source.cidr,
    sourceGroupId: source.group,
  };
}

function targetGroup(protocol: string, nodePort: number, targets = NODES): ObservedTargetGroup {
  return {
    kind: 'targetGroup',
    key: `tg/${protocol}/${nodePort}`,
    arn: `arn:tg/${protocol}/${nodePort}`,
    name: targetGroupName(NAME, protocol, nodePort),
    protocol,
    port: nodePort,
    vpcId: 'vpc-1',
    healthCheck: {
      protocol: 'HTTP',
      port: '10256',
      path: '/healthz',
      intervalSeconds: 10,
      timeoutSeconds: 5,
      healthyThreshold: 2,
      unhealthyThreshold: 2,
    },
    attributes: { 'proxy_protocol_v2.enabled': 'false' },
    targets: targets.map((id) => ({ id, port: nodePort })),
  };
}

function listener(number: number, protocol: string, tg: string): ObservedListener {
  return {
    kind: 'listener',
    arn: `arn:listener/${number}`,
    loadBalancerArn: LB_ARN,
    port: number,
    protocol,
    certificateArns: [],
    targetGroupArn: tg,
  };
}

/** What exists after a successful apply of `desired()` with port 80 → 30080. */
function inSync(overrides: Partial<ObservedNlb> = {}): ObservedNlb {
  return {
    stack: 'service/default/web',
    loadBalancers: [
      {
        kind: 'loadBalancer',
        arn: LB_ARN,
        name: NAME,
        dnsName: 'web.elb.example',
        scheme: 'internet-facing',
        ipAddressType: 'ipv4',
        vpcId: 'vpc-1',
        securityGroups: [SG],
        createdAt: '2026-01-01T00:00:00.000Z',
        attributes: { 'load_balancing.cross_zone.enabled': 'false' },
      },
    ],
    listeners: [listener(80, 'TCP', 'arn:tg/TCP/30080')],
    targetGroups: [targetGroup('TCP', 30080)],
    securityGroups: [{ kind: 'securityGroup', id: SG, name: securityGroupName(NAME), vpcId: 'vpc-1' }],
    rules: [
      rule(SG, 'tcp', 80, { cidr: '0.0.0.0/0' }),
      rule(NODE_SG, 'tcp', 30080, { group: SG }),
      rule(NODE_SG, 'tcp', 10256, { group: SG }),
    ],
    nodeSecurityGroups: Object.fromEntries(NODES.map((id) => [id, NODE_SG])),
    nodeSecurityGroupProblems: {},
    clusterVpcId: 'vpc-1',
    ...overrides,
  };
}

const EMPTY: ObservedNlb = inSync({
  loadBalancers: [],
  listeners: [],
  targetGroups: [],
  securityGroups: [],
  rules: [],
});

function steps(actions: readonly NlbAction[]): string[] {
  return actions.map((action) =>
    action.op === 'update'
      ? `update ${action.id} (${action.changes.join(', ')})`
      : `${action.op} ${action.id}`,
  );
}

function plan(want: L4LoadBalancer | null, observed: ObservedNlb) {
  return planNlb({ clusterName: 'c1' }, want, observed);
}

describe('planNlb', () => {
  it.each<[string, L4LoadBalancer | null, ObservedNlb, string[]]>([
    ['in sync: nothing', desired(), inSync(), []],
    [
      'nothing exists: everything, in dependency order',
      desired(),
      EMPTY,
      [
        'create sg',
        'update rules/sg (authorize 1, revoke 0)',
        'create lb',
        'create tg/TCP/30080',
        'create targets/tg/TCP/30080',
        'create listener/80',
        `update rules/${NODE_SG} (authorize 2, revoke 0)`,
      ],
    ],
    [
      'a node joined: one register for its target group',
      desired({ targets: [...NODES, 'i-4'] }),
      inSync({ nodeSecurityGroups: { 'i-1': NODE_SG, 'i-2': NODE_SG, 'i-3': NODE_SG, 'i-4': NODE_SG } }),
      ['update targets/tg/TCP/30080 (register 1, deregister 0)'],
    ],
    [
      'a node left: one deregister',
      desired({ targets: ['i-1', 'i-2'] }),
      inSync(),
      ['update targets/tg/TCP/30080 (register 0, deregister 1)'],
    ],
    [
      'health check changed: modified in place',
      desired({ healthCheck: { ...desired().healthCheck, intervalSeconds: 30, path: '/ready' } }),
      inSync(),
      ['update tg/TCP/30080 (healthCheck path, healthCheck interval)'],
    ],
    [
      'proxy protocol and an attribute: modified in place',
      desired({
        proxyProtocol: true,
        targetGroupAttributes: { 'deregistration_delay.timeout_seconds': '30' },
      }),
      inSync(),
      [
        'update tg/TCP/30080 (attribute deregistration_delay.timeout_seconds, attribute proxy_protocol_v2.enabled)',
      ],
    ],
    [
      'cross-zone turned on: a load-balancer attribute',
      desired({ crossZone: true }),
      inSync(),
      ['update lb (attribute load_balancing.cross_zone.enabled)'],
    ],
    [
      'scheme changed: replaced, listeners made again on the new one',
      desired({ scheme: 'internal' }),
      inSync(),
      ['replace lb', 'create listener/80'],
    ],
    [
      'source ranges: the listener rule is swapped',
      desired({ sourceRanges: ['10.0.0.0/8'] }),
      inSync(),
      ['update rules/sg (authorize 1, revoke 1)'],
    ],
    [
      'a port added',
      desired({ ports: [port(80, 30080), port(53, 30053, 'UDP')] }),
      inSync(),
      [
        'update rules/sg (authorize 1, revoke 0)',
        'create tg/UDP/30053',
        'create targets/tg/UDP/30053',
        'create listener/53',
        `update rules/${NODE_SG} (authorize 1, revoke 0)`,
      ],
    ],
    [
      'a NodePort renumbered: new target group, listener re-pointed, old group deleted',
      desired({ ports: [port(80, 31080)] }),
      inSync(),
      [
        'create tg/TCP/31080',
        'create targets/tg/TCP/31080',
        'update listener/80 (targetGroup)',
        `update rules/${NODE_SG} (authorize 1, revoke 1)`,
        'delete tg/TCP/30080/arn:tg/TCP/30080',
      ],
    ],
    [
      'TLS on the port: the listener is modified, the target group stays',
      desired({ ports: [port(80, 30080, 'TLS')], certificateArn: 'arn:cert' }),
      inSync(),
      ['update listener/80 (protocol, certificate)'],
    ],
    [
      'duplicate load balancers after a crash: the oldest stays',
      desired(),
      inSync({
        loadBalancers: inSync().loadBalancers.flatMap((lb) => [
          lb,
          { ...lb, arn: 'arn:lb/0', createdAt: '2026-01-02T00:00:00.000Z' },
        ]),
      }),
      [`delete lb/${NAME}/arn:lb/0`],
    ],
    [
      'teardown: node rules, load balancer, target groups, security group',
      null,
      inSync(),
      [
        `update rules/${NODE_SG} (revoke 2)`,
        `delete lb/${NAME}/${LB_ARN}`,
        'delete tg/TCP/30080/arn:tg/TCP/30080',
        `delete sg/${SG}`,
      ],
    ],
    ['teardown of nothing: nothing', null, EMPTY, []],
  ])('%s', (_title, want, observed, expected) => {
    expect(steps(plan(want, observed).actions)).toEqual(expected);
  });

  it('reports the kept load balancer’s hostname, and none when it is made or replaced', () => {
    expect(plan(desired(), inSync()).nlb.status).toEqual({ ingress: [{ hostname: 'web.elb.example' }] });
    expect(plan(desired(), EMPTY).nlb.status).toBeUndefined();
    expect(plan(desired({ scheme: 'internal' }), inSync()).nlb.status).toBeUndefined();
  });

  it('tags what it creates with the ownership tags, which win over the user’s', () => {
    const actions = plan(desired({ tags: { team: 'a', 'skyway.dev/stack': 'forged' } }), EMPTY).actions;
    const lb = actions.find((action) => action.id === 'lb');
    expect(lb?.op === 'create' && lb.desired.kind === 'loadBalancer' ? lb.desired.tags : undefined).toEqual({
      team: 'a',
      'kubernetes.io/cluster/c1': 'owned',
      'skyway.dev/stack': 'service/default/web',
      'skyway.dev/resource': 'lb',
    });
  });

  it('keeps node rules while a target’s group is unknown, and reports groups it cannot choose', () => {
    const unknown = plan(desired({ targets: ['i-9'] }), inSync({ nodeSecurityGroups: {} }));
    expect(steps(unknown.actions)).toEqual(['update targets/tg/TCP/30080 (register 1, deregister 3)']);

    const ambiguous = plan(
      desired(),
      inSync({ nodeSecurityGroupProblems: { 'i-1': 'instance i-1: several security groups' } }),
    );
    expect(ambiguous.conflicts).toEqual([
      { id: 'node-sg/i-1', object: 'service/default/web', message: 'instance i-1: several security groups' },
    ]);
  });

  it('opens ::/0 too on a dual-stack load balancer without source ranges', () => {
    const actions = plan(desired({ ipAddressType: 'dualstack' }), EMPTY).actions;
    const rules = actions.find((action) => action.id === 'rules/sg');
    const authorize = rules?.op === 'update' && rules.desired.kind === 'rules' ? rules.desired.authorize : [];
    expect(authorize.map((r) => ('cidr' in r.source ? r.source.cidr : ''))).toEqual(['0.0.0.0/0', '::/0']);
  });
});
