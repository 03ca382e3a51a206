import type { L4LoadBalancer, L4Port } from '../../src/model/load-balancer.js';
import type { StackId } from '../../src/model/stack.js';

export function port(port: number, nodePort: number, protocol: L4Port['protocol'] = 'TCP'): L4Port {
  return { name: String(port), protocol, port, nodePort };
}

/** A desired NLB for `default/<name>` with sensible defaults, as the services controller would build it. */
export function desiredNlb(
  stack: StackId,
  name: string,
  overrides: Partial<L4LoadBalancer> & Pick<L4LoadBalancer, 'targets'>,
): L4LoadBalancer {
  return {
    stack,
    name,
    scheme: 'internet-facing',
    ipAddressType: 'ipv4',
    ports: [port(80, 30080)],
    healthCheck: {
      protocol: 'HTTP',
      port: 10256,
      path: '/healthz',
      intervalSeconds: 10,
      timeoutSeconds: 5,
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
    ...overrides,
  };
}
