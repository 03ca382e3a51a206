import type { V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { buildDesiredL4 } from '../../../../controllers/services/desired.js';
import { A, expectTerminal, node, service } from './fixtures.js';

const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f4f7b5e-1111-2222-3333-444455556666';
const instanceIds = new Map([
  ['a', 'i-0aaa'],
  ['b', 'i-0bbb'],
  ['c', 'i-0ccc'],
  ['d', 'i-0ddd'],
  ['e', 'i-0aaa'],
]);
const nodes = [
  node('c'),
  node('a'),
  node('b', { ready: false }),
  node('d', { taints: ['ToBeDeletedByClusterAutoscaler'] }),
  node('e'),
  node('z'),
];

function build(subject: V1Service) {
  return buildDesiredL4({
    service: subject,
    nodes,
    instanceIds,
    name: 'k8s-shop-web-0123456789',
    clusterName: 'prod',
  });
}

describe('buildDesiredL4', () => {
  it('builds the default internet-facing NLB for a Cluster-policy Service', () => {
    expect(build(service())).toEqual({
      stack: { kind: 'service', namespace: 'shop', name: 'web' },
      name: 'k8s-shop-web-0123456789',
      scheme: 'internet-facing',
      ipAddressType: 'ipv4',
      ports: [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }],
      // NotReady b stays; tainted d goes; z has no instance; e shares a's instance id.
      targets: ['i-0aaa', 'i-0bbb', 'i-0ccc'],
      healthCheck: {
        protocol: 'HTTP',
        port: 10256,
        path: '/healthz',
        intervalSeconds: 10,
        timeoutSeconds: 6,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      sourceRanges: [],
      subnets: [],
      eipAllocations: [],
      privateIpv4Addresses: [],
      crossZone: undefined,
      proxyProtocol: false,
      certificateArn: undefined,
      targetGroupAttributes: {},
      tags: {},
    });
  });

  it('checks spec.healthCheckNodePort over HTTP /healthz for externalTrafficPolicy: Local', () => {
    const desired = build(service({ spec: { externalTrafficPolicy: 'Local', healthCheckNodePort: 32000 } }));
    expect(desired.healthCheck).toMatchObject({ protocol: 'HTTP', port: 32000, path: '/healthz' });
  });

  it('needs a healthCheckNodePort for Local unless the annotation names a port', () => {
    expectTerminal(
      () => build(service({ spec: { externalTrafficPolicy: 'Local' } })),
      'spec.healthCheckNodePort',
      /Local needs a health-check NodePort/,
    );
    const desired = build(
      service({
        spec: { externalTrafficPolicy: 'Local' },
        annotations: { [`${A}healthcheck-port`]: '8080' },
      }),
    );
    expect(desired.healthCheck).toMatchObject({ port: 8080, path: '/' });
  });

  describe('health-check annotations override field by field', () => {
    const cases: [string, Record<string, string>, Record<string, unknown>][] = [
      [
        'protocol TCP drops the path',
        { [`${A}healthcheck-protocol`]: 'tcp' },
        { protocol: 'TCP', port: 10256 },
      ],
      [
        'traffic-port without a path gets AWS’s /',
        { [`${A}healthcheck-port`]: 'traffic-port' },
        { port: 'traffic-port', path: '/' },
      ],
      ['path alone', { [`${A}healthcheck-path`]: '/livez' }, { port: 10256, path: '/livez' }],
      [
        'interval 5 lowers the default timeout to 4',
        { [`${A}healthcheck-interval`]: '5' },
        { intervalSeconds: 5, timeoutSeconds: 4 },
      ],
      [
        'thresholds',
        { [`${A}healthcheck-healthy-threshold`]: '3', [`${A}healthcheck-unhealthy-threshold`]: '4' },
        { healthyThreshold: 3, unhealthyThreshold: 4 },
      ],
    ];
    it.each(cases)('%s', (_name, annotations, expected) => {
      expect(build(service({ annotations })).healthCheck).toMatchObject(expected);
    });

    it('gives a TCP check no path at all', () => {
      const check = build(service({ annotations: { [`${A}healthcheck-protocol`]: 'tcp' } })).healthCheck;
      expect(check).not.toHaveProperty('path');
    });

    it('rejects a timeout not below the interval', () => {
      expectTerminal(
        () => build(service({ annotations: { [`${A}healthcheck-timeout`]: '10' } })),
        `metadata.annotations[${A}healthcheck-timeout]`,
        /less than the health-check interval \(10 s\)/,
      );
    });

    it('rejects a path on a TCP check', () => {
      expectTerminal(
        () =>
          build(
            service({ annotations: { [`${A}healthcheck-protocol`]: 'TCP', [`${A}healthcheck-path`]: '/x' } }),
          ),
        `metadata.annotations[${A}healthcheck-path]`,
        /HTTP and HTTPS health checks only/,
      );
    });
  });

  it('merges one port number used by TCP and UDP into a TCP_UDP port, sorted by port', () => {
    const desired = build(
      service({
        ports: [
          { name: 'web', protocol: 'TCP', port: 8080, nodePort: 31080 },
          { name: 'dns-udp', protocol: 'UDP', port: 53, nodePort: 30053 },
          { name: 'dns-tcp', protocol: 'TCP', port: 53, nodePort: 30053 },
          { protocol: 'UDP', port: 4789, nodePort: 30789 },
        ],
      }),
    );
    expect(desired.ports).toEqual([
      { name: 'dns-tcp', protocol: 'TCP_UDP', port: 53, nodePort: 30053 },
      { name: '4789', protocol: 'UDP', port: 4789, nodePort: 30789 },
      { name: 'web', protocol: 'TCP', port: 8080, nodePort: 31080 },
    ]);
  });

  it('refuses a TCP_UDP port whose entries have different NodePorts', () => {
    expectTerminal(
      () =>
        build(
          service({
            ports: [
              { protocol: 'TCP', port: 53, nodePort: 30053 },
              { protocol: 'UDP', port: 53, nodePort: 30054 },
            ],
          }),
        ),
      'spec.ports[1].nodePort',
      /same nodePort/,
    );
  });

  it('refuses SCTP and a Service without ports', () => {
    expectTerminal(
      () => build(service({ ports: [{ protocol: 'SCTP', port: 9, nodePort: 30009 }] })),
      'spec.ports[0].protocol',
      /SCTP is not supported/,
    );
    expectTerminal(() => build(service({ ports: [] })), 'spec.ports', /at least one port/);
  });

  it('refuses a port without a NodePort, naming allocateLoadBalancerNodePorts when that is why', () => {
    expectTerminal(
      () => build(service({ ports: [{ port: 80 }] })),
      'spec.ports[0].nodePort',
      /no NodePort yet/,
    );
    expectTerminal(
      () => build(service({ spec: { allocateLoadBalancerNodePorts: false }, ports: [{ port: 80 }] })),
      'spec.allocateLoadBalancerNodePorts',
      /instance targets receive traffic on NodePorts/,
    );
    // Hand-set NodePorts are fine even without allocation.
    const desired = build(
      service({ spec: { allocateLoadBalancerNodePorts: false }, ports: [{ port: 80, nodePort: 30080 }] }),
    );
    expect(desired.ports).toHaveLength(1);
  });

  describe('TLS ports', () => {
    const ports = [
      { name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 },
      { name: 'https', protocol: 'TCP', port: 443, nodePort: 30443 },
      { name: 'admin', protocol: 'TCP', port: 8443, nodePort: 30843 },
      { name: 'dns', protocol: 'UDP', port: 53, nodePort: 30053 },
    ];
    const protocols = (annotations: Record<string, string>) =>
      Object.fromEntries(
        build(service({ ports, annotations })).ports.map((port) => [port.port, port.protocol]),
      );

    it('every TCP port when ssl-ports is absent, UDP left alone', () => {
      expect(protocols({ [`${A}ssl-cert`]: CERT })).toEqual({
        53: 'UDP',
        80: 'TLS',
        443: 'TLS',
        8443: 'TLS',
      });
    });
    it('listed names and numbers only', () => {
      expect(protocols({ [`${A}ssl-cert`]: CERT, [`${A}ssl-ports`]: '443, admin' })).toEqual({
        53: 'UDP',
        80: 'TCP',
        443: 'TLS',
        8443: 'TLS',
      });
    });
    it('carries the certificate', () => {
      expect(build(service({ ports, annotations: { [`${A}ssl-cert`]: CERT } })).certificateArn).toBe(CERT);
    });
    it('refuses an unknown or UDP ssl port', () => {
      const key = `metadata.annotations[${A}ssl-ports]`;
      const cert = { [`${A}ssl-cert`]: CERT };
      expectTerminal(
        () => protocols({ ...cert, [`${A}ssl-ports`]: 'htps' }),
        key,
        /neither the name nor the number/,
      );
      expectTerminal(() => protocols({ ...cert, [`${A}ssl-ports`]: '53' }), key, /only TCP ports can be TLS/);
    });
  });

  describe('source ranges', () => {
    const annotation = 'service.beta.kubernetes.io/load-balancer-source-ranges';
    it('normalises, deduplicates and sorts the annotation', () => {
      const desired = build(
        service({ annotations: { [annotation]: '10.1.2.3/16, 192.0.2.0/24,10.1.0.0/16' } }),
      );
      expect(desired.sourceRanges).toEqual(['10.1.0.0/16', '192.0.2.0/24']);
    });
    it('lets spec.loadBalancerSourceRanges win over the annotation', () => {
      const desired = build(
        service({
          annotations: { [annotation]: '10.0.0.0/8' },
          spec: { loadBalancerSourceRanges: ['203.0.113.7/24', '2001:db8::1/64'] },
        }),
      );
      expect(desired.sourceRanges).toEqual(['2001:db8::/64', '203.0.113.0/24']);
    });
    it('names the bad entry', () => {
      expectTerminal(
        () => build(service({ spec: { loadBalancerSourceRanges: ['10.0.0.0/8', '10.0.0.300/32'] } })),
        'spec.loadBalancerSourceRanges[1]',
        /not a CIDR/,
      );
      expectTerminal(
        () => build(service({ annotations: { [annotation]: '10.0.0.0' } })),
        `metadata.annotations[${annotation}]`,
        /not a CIDR/,
      );
    });
  });

  it('rejects ip targets with an Event-ready message', () => {
    expectTerminal(
      () => build(service({ annotations: { [`${A}type`]: 'external', [`${A}nlb-target-type`]: 'ip' } })),
      `metadata.annotations[${A}nlb-target-type]`,
      /ip targets are not supported/,
    );
  });

  it('refuses attributes AWS forbids on UDP target groups', () => {
    expectTerminal(
      () =>
        build(
          service({
            ports: [{ protocol: 'UDP', port: 53, nodePort: 30053 }],
            annotations: { [`${A}target-group-attributes`]: 'preserve_client_ip.enabled=false' },
          }),
        ),
      `metadata.annotations[${A}target-group-attributes]`,
      /cannot be disabled for UDP/,
    );
  });

  it('refuses spec.loadBalancerIP', () => {
    expectTerminal(
      () => build(service({ spec: { loadBalancerIP: '1.2.3.4' } })),
      'spec.loadBalancerIP',
      /eip-allocations/,
    );
  });

  it('uses the name annotation instead of the generated name', () => {
    expect(build(service({ annotations: { [`${A}name`]: 'web-prod' } })).name).toBe('web-prod');
  });

  it('passes the remaining annotations through', () => {
    const desired = build(
      service({
        annotations: {
          [`${A}scheme`]: 'internal',
          [`${A}ip-address-type`]: 'dualstack',
          [`${A}subnets`]: 'subnet-1,subnet-2',
          [`${A}private-ipv4-addresses`]: '10.0.1.9,10.0.2.9',
          [`${A}cross-zone-load-balancing-enabled`]: 'true',
          [`${A}proxy-protocol`]: '*',
          [`${A}target-group-attributes`]: 'deregistration_delay.timeout_seconds=30',
          [`${A}additional-resource-tags`]: 'team=web',
        },
      }),
    );
    expect(desired).toMatchObject({
      scheme: 'internal',
      ipAddressType: 'dualstack',
      subnets: ['subnet-1', 'subnet-2'],
      privateIpv4Addresses: ['10.0.1.9', '10.0.2.9'],
      crossZone: true,
      proxyProtocol: true,
      targetGroupAttributes: { 'deregistration_delay.timeout_seconds': '30' },
      tags: { team: 'web' },
    });
  });
});
