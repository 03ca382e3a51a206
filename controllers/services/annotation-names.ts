/**
 * The Service annotations Skyway reads. The names are the upstream ones (in-tree cloud-provider-aws and the AWS
 * Load Balancer Controller), so a Service written for either keeps its meaning here.
 */
const AWS = 'service.beta.kubernetes.io/aws-load-balancer-';

export const ServiceAnnotation = {
  type: `${AWS}type`,
  nlbTargetType: `${AWS}nlb-target-type`,
  name: `${AWS}name`,
  scheme: `${AWS}scheme`,
  internal: `${AWS}internal`,
  subnets: `${AWS}subnets`,
  additionalResourceTags: `${AWS}additional-resource-tags`,
  healthCheckProtocol: `${AWS}healthcheck-protocol`,
  healthCheckPort: `${AWS}healthcheck-port`,
  healthCheckPath: `${AWS}healthcheck-path`,
  healthCheckInterval: `${AWS}healthcheck-interval`,
  healthCheckTimeout: `${AWS}healthcheck-timeout`,
  healthCheckHealthyThreshold: `${AWS}healthcheck-healthy-threshold`,
  healthCheckUnhealthyThreshold: `${AWS}healthcheck-unhealthy-threshold`,
  crossZone: `${AWS}cross-zone-load-balancing-enabled`,
  targetGroupAttributes: `${AWS}target-group-attributes`,
  proxyProtocol: `${AWS}proxy-protocol`,
  sslCert: `${AWS}ssl-cert`,
  sslPorts: `${AWS}ssl-ports`,
  eipAllocations: `${AWS}eip-allocations`,
  privateIpv4Addresses: `${AWS}private-ipv4-addresses`,
  ipAddressType: `${AWS}ip-address-type`,
  /** Not AWS-specific: `v1.AnnotationLoadBalancerSourceRangesKey` in k8s.io/api. */
  sourceRanges: 'service.beta.kubernetes.io/load-balancer-source-ranges',
} as const;

/** The field path a TerminalError names, as a user would find it in `kubectl edit`. */
export function annotationField(key: string): string {
  return `metadata.annotations[${key}]`;
}
