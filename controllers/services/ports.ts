import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import { TerminalError } from '../../src/errors.js';
import type { L4Port } from '../../src/model/load-balancer.js';
import { annotationField, ServiceAnnotation } from './annotation-names.js';

export interface TlsSettings {
  readonly certificateArn: string | undefined;
  /** Port names or numbers; undefined = every TCP port. */
  readonly sslPorts: readonly string[] | undefined;
}

interface IndexedPort {
  readonly index: number;
  readonly spec: V1ServicePort;
  readonly protocol: 'TCP' | 'UDP';
  readonly nodePort: number;
}

/**
 * One L4Port per Service port, sorted by port. A port number used by both TCP and UDP becomes one TCP_UDP port,
 * because an NLB cannot have two listeners on one port number. TLS ports come from ssl-cert + ssl-ports.
 */
export function buildPorts(service: V1Service, tls: TlsSettings): L4Port[] {
  const specPorts = service.spec?.ports ?? [];
  if (specPorts.length === 0)
    throw new TerminalError('spec.ports', 'a load balancer needs at least one port');
  const byNumber = new Map<number, IndexedPort[]>();
  for (const [index, spec] of specPorts.entries()) {
    const port = indexPort(service, spec, index);
    byNumber.set(spec.port, [...(byNumber.get(spec.port) ?? []), port]);
  }
  const ports = [...byNumber.values()].map(mergeProtocols);
  const tlsPorts = selectTlsPorts(ports, tls);
  return ports
    .map((port) => (tlsPorts.has(port) ? { ...port, protocol: 'TLS' as const } : port))
    .sort((a, b) => a.port - b.port);
}

function indexPort(service: V1Service, spec: V1ServicePort, index: number): IndexedPort {
  const protocol = spec.protocol ?? 'TCP';
  if (protocol !== 'TCP' && protocol !== 'UDP') {
    throw new TerminalError(
      `spec.ports[${index}].protocol`,
      `${protocol} is not supported by Network Load Balancers (TCP and UDP are)`,
    );
  }
  if (!spec.nodePort) {
    // With allocateLoadBalancerNodePorts: false the API server leaves NodePorts unset unless given by hand.
    if (service.spec?.allocateLoadBalancerNodePorts === false) {
      throw new TerminalError(
        'spec.allocateLoadBalancerNodePorts',
        `false leaves port ${spec.port} without a NodePort, and instance targets receive traffic on NodePorts: ` +
          'set it to true, or set spec.ports[].nodePort by hand',
      );
    }
    throw new TerminalError(`spec.ports[${index}].nodePort`, `port ${spec.port} has no NodePort yet`);
  }
  return { index, spec, protocol, nodePort: spec.nodePort };
}

function mergeProtocols(entries: readonly IndexedPort[]): L4Port {
  const tcp = entries.find((entry) => entry.protocol === 'TCP');
  const udp = entries.find((entry) => entry.protocol === 'UDP');
  const first = (tcp ?? udp)!;
  const name = first.spec.name || String(first.spec.port);
  if (!tcp || !udp)
    return { name, protocol: first.protocol, port: first.spec.port, nodePort: first.nodePort };
  // The API server gives both entries one NodePort; only hand-set ones can differ, and a TCP_UDP target group has
  // one port.
  if (tcp.nodePort !== udp.nodePort) {
    throw new TerminalError(
      `spec.ports[${udp.index}].nodePort`,
      `port ${tcp.spec.port} is both TCP and UDP, so both need the same nodePort (${tcp.nodePort}, not ${udp.nodePort})`,
    );
  }
  return { name, protocol: 'TCP_UDP', port: tcp.spec.port, nodePort: tcp.nodePort };
}

/** In-tree semantics: every TCP port when ssl-ports is absent; a listed name or number must exist and be TCP. */
function selectTlsPorts(ports: readonly L4Port[], tls: TlsSettings): Set<L4Port> {
  if (tls.certificateArn === undefined) return new Set();
  if (tls.sslPorts === undefined) return new Set(ports.filter((port) => port.protocol === 'TCP'));
  const field = annotationField(ServiceAnnotation.sslPorts);
  const selected = new Set<L4Port>();
  for (const entry of tls.sslPorts) {
    const port = ports.find((candidate) =>
      /^\d+$/.test(entry) ? candidate.port === Number(entry) : candidate.name === entry,
    );
    if (!port)
      throw new TerminalError(field, `"${entry}" is neither the name nor the number of a Service port`);
    if (port.protocol !== 'TCP') {
      throw new TerminalError(
        field,
        `port ${port.port} is ${port.protocol}; only TCP ports can be TLS listeners`,
      );
    }
    selected.add(port);
  }
  return selected;
}
