import { describe, expect, it } from 'vitest';
import { parseServiceAnnotations } from '../../../../controllers/services/annotations.js';
import { A, expectTerminal, service } from './fixtures.js';

const parse = (annotations: Record<string, string>) => parseServiceAnnotations(service({ annotations }));
const field = (key: string) => `metadata.annotations[${key}]`;
const CERT = 'arn:aws:acm:us-east-1:123456789012:certificate/0f4f7b5e-1111-2222-3333-444455556666';

describe('parseServiceAnnotations: defaults', () => {
  it('fills Skyway defaults when nothing is annotated', () => {
    expect(parse({})).toEqual({
      name: undefined,
      scheme: 'internet-facing',
      ipAddressType: 'ipv4',
      subnets: [],
      eipAllocations: [],
      privateIpv4Addresses: [],
      tags: {},
      healthCheck: {},
      crossZone: undefined,
      targetGroupAttributes: {},
      proxyProtocol: false,
      certificateArn: undefined,
      sslPorts: undefined,
    });
  });
});

describe('parseServiceAnnotations: valid values', () => {
  const cases: [string, Record<string, string>, Partial<ReturnType<typeof parse>>][] = [
    ['scheme internal', { [`${A}scheme`]: 'internal' }, { scheme: 'internal' }],
    ['scheme case-insensitive', { [`${A}scheme`]: 'Internet-Facing' }, { scheme: 'internet-facing' }],
    ['legacy internal "true"', { [`${A}internal`]: 'true' }, { scheme: 'internal' }],
    ['legacy internal "0.0.0.0/0"', { [`${A}internal`]: '0.0.0.0/0' }, { scheme: 'internal' }],
    ['legacy internal "false"', { [`${A}internal`]: 'false' }, { scheme: 'internet-facing' }],
    [
      'scheme wins over legacy internal',
      { [`${A}scheme`]: 'internet-facing', [`${A}internal`]: 'true' },
      { scheme: 'internet-facing' },
    ],
    [
      'subnets, ids and names, trailing comma',
      { [`${A}subnets`]: ' subnet-1, public-a ,' },
      { subnets: ['subnet-1', 'public-a'] },
    ],
    [
      'tags',
      { [`${A}additional-resource-tags`]: 'team=web, env = prod,empty=,bare' },
      { tags: { team: 'web', env: 'prod', empty: '', bare: '' } },
    ],
    ['cross-zone', { [`${A}cross-zone-load-balancing-enabled`]: 'true' }, { crossZone: true }],
    [
      'cross-zone, Go bool spelling',
      { [`${A}cross-zone-load-balancing-enabled`]: '0' },
      { crossZone: false },
    ],
    [
      'target-group attributes',
      {
        [`${A}target-group-attributes`]:
          'deregistration_delay.timeout_seconds=30,stickiness.enabled=true,stickiness.type=source_ip',
      },
      {
        targetGroupAttributes: {
          'deregistration_delay.timeout_seconds': '30',
          'stickiness.enabled': 'true',
          'stickiness.type': 'source_ip',
        },
      },
    ],
    ['proxy protocol', { [`${A}proxy-protocol`]: '*' }, { proxyProtocol: true }],
    [
      'proxy protocol from the attribute, folded out of the map',
      { [`${A}target-group-attributes`]: 'proxy_protocol_v2.enabled=true' },
      { proxyProtocol: true, targetGroupAttributes: {} },
    ],
    [
      'proxy-protocol annotation wins over the attribute',
      { [`${A}proxy-protocol`]: '*', [`${A}target-group-attributes`]: 'proxy_protocol_v2.enabled=false' },
      { proxyProtocol: true, targetGroupAttributes: {} },
    ],
    ['ssl-cert alone: every port', { [`${A}ssl-cert`]: CERT }, { certificateArn: CERT, sslPorts: undefined }],
    ['ssl-ports *', { [`${A}ssl-cert`]: CERT, [`${A}ssl-ports`]: '*' }, { sslPorts: undefined }],
    [
      'ssl-ports list',
      { [`${A}ssl-cert`]: CERT, [`${A}ssl-ports`]: '443, https' },
      { sslPorts: ['443', 'https'] },
    ],
    [
      'IAM certificate',
      { [`${A}ssl-cert`]: 'arn:aws:iam::123456789012:server-certificate/web' },
      { certificateArn: 'arn:aws:iam::123456789012:server-certificate/web' },
    ],
    [
      'eip allocations matching subnets',
      { [`${A}subnets`]: 'subnet-1,subnet-2', [`${A}eip-allocations`]: 'eipalloc-0a1,eipalloc-0b2' },
      { eipAllocations: ['eipalloc-0a1', 'eipalloc-0b2'] },
    ],
    [
      'private addresses on an internal load balancer',
      { [`${A}scheme`]: 'internal', [`${A}private-ipv4-addresses`]: '10.0.1.15, 10.0.2.15' },
      { privateIpv4Addresses: ['10.0.1.15', '10.0.2.15'] },
    ],
    ['ip-address-type dualstack', { [`${A}ip-address-type`]: 'dualstack' }, { ipAddressType: 'dualstack' }],
    ['name', { [`${A}name`]: 'web-prod-1' }, { name: 'web-prod-1' }],
    ['type nlb', { [`${A}type`]: 'nlb' }, {}],
    ['type external + instance', { [`${A}type`]: 'external', [`${A}nlb-target-type`]: 'instance' }, {}],
    ['type external alone', { [`${A}type`]: 'external' }, {}],
    [
      'health-check overrides',
      {
        [`${A}healthcheck-protocol`]: 'https',
        [`${A}healthcheck-port`]: '8443',
        [`${A}healthcheck-path`]: '/ready?full=1',
        [`${A}healthcheck-interval`]: '300',
        [`${A}healthcheck-timeout`]: '120',
        [`${A}healthcheck-healthy-threshold`]: '10',
        [`${A}healthcheck-unhealthy-threshold`]: '2',
      },
      {
        healthCheck: {
          protocol: 'HTTPS',
          port: 8443,
          path: '/ready?full=1',
          intervalSeconds: 300,
          timeoutSeconds: 120,
          healthyThreshold: 10,
          unhealthyThreshold: 2,
        },
      },
    ],
    [
      'health-check port traffic-port',
      { [`${A}healthcheck-port`]: 'traffic-port' },
      { healthCheck: { port: 'traffic-port' } },
    ],
    [
      'blank values are unset',
      { [`${A}scheme`]: '  ', [`${A}healthcheck-interval`]: '' },
      { scheme: 'internet-facing', healthCheck: {} },
    ],
  ];
  it.each(cases)('%s', (_name, annotations, expected) => {
    expect(parse(annotations)).toMatchObject(expected);
  });
});

describe('parseServiceAnnotations: invalid values name the annotation', () => {
  const cases: [string, string, string, RegExp, Record<string, string>?][] = [
    ['scheme', 'scheme', 'public', /internet-facing, internal/],
    ['subnets listed twice', 'subnets', 'subnet-1,subnet-1', /twice/],
    [
      'tags: reserved cluster tag',
      'additional-resource-tags',
      'kubernetes.io/cluster/prod=owned',
      /reserved/,
    ],
    ['tags: reserved skyway tag', 'additional-resource-tags', 'skyway.dev/stack=x', /reserved/],
    ['tags: reserved aws tag', 'additional-resource-tags', 'aws:cloudformation=x', /reserved/],
    ['tags: no key', 'additional-resource-tags', 'team=web,=x', /no key/],
    ['tags: key twice', 'additional-resource-tags', 'a=1,a=2', /twice/],
    ['tags: bad characters', 'additional-resource-tags', 'team=web!', /letters, digits/],
    ['tags: key too long', 'additional-resource-tags', `${'k'.repeat(129)}=v`, /128/],
    ['healthcheck-protocol', 'healthcheck-protocol', 'udp', /TCP, HTTP, HTTPS/],
    ['healthcheck-port zero', 'healthcheck-port', '0', /1 to 65535/],
    ['healthcheck-port too big', 'healthcheck-port', '65536', /1 to 65535/],
    ['healthcheck-port name', 'healthcheck-port', 'http', /traffic-port/],
    ['healthcheck-path relative', 'healthcheck-path', 'healthz', /start with \//],
    ['healthcheck-path spaces', 'healthcheck-path', '/a b', /spaces/],
    ['healthcheck-interval low', 'healthcheck-interval', '4', /5 to 300/],
    ['healthcheck-interval high', 'healthcheck-interval', '301', /5 to 300/],
    ['healthcheck-interval not a number', 'healthcheck-interval', '10s', /5 to 300/],
    ['healthcheck-timeout low', 'healthcheck-timeout', '1', /2 to 120/],
    ['healthcheck-timeout high', 'healthcheck-timeout', '121', /2 to 120/],
    ['healthy-threshold low', 'healthcheck-healthy-threshold', '1', /2 to 10/],
    ['unhealthy-threshold high', 'healthcheck-unhealthy-threshold', '11', /2 to 10/],
    ['cross-zone', 'cross-zone-load-balancing-enabled', 'yes', /true or false/],
    [
      'tg attribute unknown',
      'target-group-attributes',
      'slow_start.duration_seconds=30',
      /not a target-group attribute/,
    ],
    ['tg attribute empty', 'target-group-attributes', 'stickiness.enabled=', /no value/],
    ['tg attribute bool', 'target-group-attributes', 'stickiness.enabled=yes', /true or false/],
    [
      'tg attribute range',
      'target-group-attributes',
      'deregistration_delay.timeout_seconds=3601',
      /0 to 3600/,
    ],
    ['tg attribute stickiness type', 'target-group-attributes', 'stickiness.type=lb_cookie', /source_ip/],
    [
      'tg attribute off-or',
      'target-group-attributes',
      'target_group_health.dns_failover.minimum_healthy_targets.percentage=0',
      /off or an integer from 1 to 100/,
    ],
    [
      'tg draining without termination off',
      'target-group-attributes',
      'target_health_state.unhealthy.draining_interval_seconds=10',
      /connection_termination.enabled=false/,
    ],
    ['proxy-protocol', 'proxy-protocol', 'true', /only supported value is \*/],
    ['ssl-cert not an ARN', 'ssl-cert', 'my-cert', /certificate ARN/],
    ['ssl-cert several', 'ssl-cert', `${CERT},${CERT}x`, /one certificate/],
    ['ssl-ports without a certificate', 'ssl-ports', '443', /ssl-cert/],
    ['eip-allocations malformed', 'eip-allocations', 'eip-123', /eipalloc/],
    [
      'eip-allocations on internal',
      'eip-allocations',
      'eipalloc-1',
      /internet-facing/,
      { [`${A}scheme`]: 'internal' },
    ],
    [
      'eip-allocations count',
      'eip-allocations',
      'eipalloc-1',
      /one per subnet/,
      { [`${A}subnets`]: 'subnet-1,subnet-2' },
    ],
    [
      'private-ipv4 malformed',
      'private-ipv4-addresses',
      '10.0.1',
      /IPv4 address/,
      { [`${A}scheme`]: 'internal' },
    ],
    ['private-ipv4 on internet-facing', 'private-ipv4-addresses', '10.0.1.5', /internal/],
    ['ip-address-type', 'ip-address-type', 'ipv6', /ipv4, dualstack/],
    ['name too long', 'name', 'a'.repeat(33), /32 characters/],
    ['name characters', 'name', 'web_prod', /letters, digits and hyphens/],
    ['name leading hyphen', 'name', '-web', /hyphen/],
    ['name internal- prefix', 'name', 'internal-web', /internal-/],
    ['type classic', 'type', 'classic', /Network Load Balancers only/],
    ['type nlb-ip', 'type', 'nlb-ip', /ip targets are not supported/],
    ['target type ip', 'nlb-target-type', 'ip', /ip targets are not supported/, { [`${A}type`]: 'external' }],
    ['target type other', 'nlb-target-type', 'lambda', /instance, ip/],
  ];
  it.each(cases)('%s', (_name, suffix, value, message, extra = {}) => {
    expectTerminal(() => parse({ ...extra, [`${A}${suffix}`]: value }), field(`${A}${suffix}`), message);
  });
});
