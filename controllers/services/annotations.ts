import type { V1Service } from '@kubernetes/client-node';
import ipaddr from 'ipaddr.js';
import type { L4LoadBalancer } from '../../src/model/load-balancer.js';
import { ServiceAnnotation } from './annotation-names.js';
import { AnnotationReader } from './annotation-values.js';
import { type HealthCheckOverrides, parseHealthCheckOverrides } from './health-check-annotations.js';
import { checkLoadBalancerType } from './load-balancer-type.js';
import { parseAdditionalTags } from './resource-tags.js';
import { PROXY_PROTOCOL_ATTRIBUTE, parseTargetGroupAttributes } from './target-group-attributes.js';

/** Everything the annotations of one Service ask for, validated, with Skyway's defaults filled in. */
export interface ServiceAnnotations {
  /** `aws-load-balancer-name`: replaces the generated name (ALBC semantics). */
  readonly name: string | undefined;
  /** Default internet-facing, as in-tree (ALBC defaults to internal; its Services name a scheme explicitly). */
  readonly scheme: L4LoadBalancer['scheme'];
  readonly ipAddressType: L4LoadBalancer['ipAddressType'];
  readonly subnets: readonly string[];
  readonly eipAllocations: readonly string[];
  readonly privateIpv4Addresses: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly healthCheck: HealthCheckOverrides;
  readonly crossZone: boolean | undefined;
  /** Without `proxy_protocol_v2.enabled`: that one is folded into `proxyProtocol`, so there is one source of truth. */
  readonly targetGroupAttributes: Readonly<Record<string, string>>;
  readonly proxyProtocol: boolean;
  readonly certificateArn: string | undefined;
  /** Port names or numbers to terminate TLS on; undefined means every TCP port (upstream: absent or `*`). */
  readonly sslPorts: readonly string[] | undefined;
}

/** Parses every annotation Skyway reads; the first invalid one throws a TerminalError naming it. */
export function parseServiceAnnotations(service: V1Service): ServiceAnnotations {
  const reader = new AnnotationReader(service.metadata?.annotations);
  checkLoadBalancerType(reader);
  const scheme = parseScheme(reader);
  const subnets = reader.list(ServiceAnnotation.subnets) ?? [];
  const attributes = parseTargetGroupAttributes(reader);
  const proxyProtocolAttribute = attributes.get(PROXY_PROTOCOL_ATTRIBUTE);
  attributes.delete(PROXY_PROTOCOL_ATTRIBUTE);
  const certificateArn = parseCertificate(reader);
  const sslPorts = parseSslPorts(reader, certificateArn);
  return {
    name: parseName(reader),
    scheme,
    ipAddressType: reader.oneOf(ServiceAnnotation.ipAddressType, ['ipv4', 'dualstack']) ?? 'ipv4',
    subnets,
    eipAllocations: parseEipAllocations(reader, scheme, subnets),
    privateIpv4Addresses: parsePrivateIpv4Addresses(reader, scheme, subnets),
    tags: parseAdditionalTags(reader),
    healthCheck: parseHealthCheckOverrides(reader),
    crossZone: reader.boolean(ServiceAnnotation.crossZone),
    targetGroupAttributes: Object.fromEntries(attributes),
    // ALBC: the proxy-protocol annotation takes precedence over the attribute.
    proxyProtocol: parseProxyProtocol(reader) || proxyProtocolAttribute === 'true',
    certificateArn,
    sslPorts,
  };
}

/** `scheme` wins over the legacy `internal` (ALBC precedence). */
function parseScheme(reader: AnnotationReader): L4LoadBalancer['scheme'] {
  const scheme = reader.oneOf(ServiceAnnotation.scheme, ['internet-facing', 'internal']);
  if (scheme) return scheme;
  // In-tree reads the legacy annotation as "internal unless it says false", which is why old manifests carry
  // values such as "0.0.0.0/0"; keep that reading rather than refusing them.
  const internal = reader.string(ServiceAnnotation.internal);
  if (internal === undefined) return 'internet-facing';
  return internal.toLowerCase() === 'false' ? 'internet-facing' : 'internal';
}

/** ELBv2 names: 1–32 alphanumerics or hyphens, no hyphen at either end, not starting with `internal-`. */
function parseName(reader: AnnotationReader): string | undefined {
  const key = ServiceAnnotation.name;
  const name = reader.string(key);
  if (name === undefined) return undefined;
  if (name.length > 32) throw reader.invalid(key, name, 'AWS load balancer names are at most 32 characters');
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name)) {
    throw reader.invalid(key, name, 'only letters, digits and hyphens, not starting or ending with a hyphen');
  }
  if (name.toLowerCase().startsWith('internal-'))
    throw reader.invalid(key, name, 'must not start with internal-');
  return name;
}

function parseProxyProtocol(reader: AnnotationReader): boolean {
  const key = ServiceAnnotation.proxyProtocol;
  const value = reader.string(key);
  if (value === undefined) return false;
  if (value !== '*') throw reader.invalid(key, value, 'the only supported value is * (every port)');
  return true;
}

/**
 * One certificate: the model has one per load balancer. ALBC also accepts a list (extra certificates for SNI);
 * refusing it is better than silently dropping the rest.
 */
function parseCertificate(reader: AnnotationReader): string | undefined {
  const key = ServiceAnnotation.sslCert;
  const list = reader.list(key);
  if (list === undefined || list.length === 0) return undefined;
  if (list.length > 1)
    throw reader.invalid(key, list.join(','), 'Skyway supports one certificate per Service');
  const [arn] = list as [string];
  if (!/^arn:aws[a-z-]*:(acm|iam):[a-z0-9-]*:\d{12}:(certificate|server-certificate)\/\S+$/.test(arn)) {
    throw reader.invalid(key, arn, 'must be an ACM or IAM certificate ARN');
  }
  return arn;
}

function parseSslPorts(reader: AnnotationReader, certificateArn: string | undefined): string[] | undefined {
  const key = ServiceAnnotation.sslPorts;
  const text = reader.string(key);
  if (text === undefined) return undefined;
  if (certificateArn === undefined) {
    throw reader.invalid(key, text, `TLS listeners need a certificate in ${ServiceAnnotation.sslCert}`);
  }
  return text === '*' ? undefined : reader.list(key);
}

function parseEipAllocations(
  reader: AnnotationReader,
  scheme: L4LoadBalancer['scheme'],
  subnets: readonly string[],
): string[] {
  const key = ServiceAnnotation.eipAllocations;
  const list = reader.list(key) ?? [];
  if (list.length === 0) return [];
  const bad = list.find((id) => !/^eipalloc-[0-9a-f]+$/.test(id));
  if (bad) throw reader.invalid(key, bad, 'must be an Elastic IP allocation id (eipalloc-…)');
  if (scheme !== 'internet-facing') throw reader.invalid(key, list.join(','), 'only for internet-facing');
  checkOnePerSubnet(reader, key, list, subnets);
  return list;
}

function parsePrivateIpv4Addresses(
  reader: AnnotationReader,
  scheme: L4LoadBalancer['scheme'],
  subnets: readonly string[],
): string[] {
  const key = ServiceAnnotation.privateIpv4Addresses;
  const list = reader.list(key) ?? [];
  if (list.length === 0) return [];
  const bad = list.find((ip) => !ipaddr.IPv4.isValidFourPartDecimal(ip));
  if (bad) throw reader.invalid(key, bad, 'must be an IPv4 address');
  if (scheme !== 'internal') throw reader.invalid(key, list.join(','), 'only for an internal load balancer');
  checkOnePerSubnet(reader, key, list, subnets);
  return list;
}

/** AWS takes one per subnet. With discovered subnets the count is only known to the provider, which checks it. */
function checkOnePerSubnet(
  reader: AnnotationReader,
  key: string,
  list: readonly string[],
  subnets: readonly string[],
): void {
  if (subnets.length > 0 && list.length !== subnets.length) {
    throw reader.invalid(
      key,
      list.join(','),
      `needs one per subnet: ${list.length} given for ${subnets.length} subnets in ${ServiceAnnotation.subnets}`,
    );
  }
}
