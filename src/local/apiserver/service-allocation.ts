import type { ServiceAllocators } from './allocators.js';
import { ipv4ToNumber, numberToIpv4 } from './allocators.js';
import type { FieldCause } from './api-errors.js';
import { invalidValue } from './api-errors.js';
import type { JsonObject } from './json.js';
import {
  needsClusterIp,
  needsHealthCheckPort,
  needsNodePort,
  nodePortOf,
  ports,
  spec,
  typeOf,
} from './service-shape.js';

/**
 * Allocates what the Service still lacks (cluster IP, node ports, health-check node port) and claims what it
 * asked for. All or nothing: on any failure every claim made here is given back and the causes returned.
 */
export function allocateService(
  svc: JsonObject,
  old: JsonObject | undefined,
  allocators: ServiceAllocators,
): FieldCause[] {
  const causes: FieldCause[] = [];
  const claimedIps: number[] = [];
  const claimedPorts: number[] = [];
  const s = spec(svc);
  const oldPorts = new Set(
    old && needsNodePort(old)
      ? ports(old)
          .map(nodePortOf)
          .filter((p) => p !== 0)
      : [],
  );
  const oldHealth = old && needsHealthCheckPort(old) ? Number(spec(old).healthCheckNodePort ?? 0) : 0;
  const oldIp = old && needsClusterIp(old) ? String(spec(old).clusterIP ?? '') : '';

  if (needsClusterIp(svc)) {
    const requested = typeof s.clusterIP === 'string' ? s.clusterIP : '';
    if (requested === 'None') {
      s.clusterIPs = ['None'];
    } else if (requested !== '' && requested === oldIp) {
      s.clusterIPs = [requested];
    } else {
      const value = requested === '' ? undefined : ipv4ToNumber(requested);
      const result =
        value === undefined ? allocators.clusterIps.allocateNext() : allocators.clusterIps.allocate(value);
      if (result.ok) {
        claimedIps.push(result.value);
        s.clusterIP = numberToIpv4(result.value);
        s.clusterIPs = [s.clusterIP];
      } else {
        causes.push(
          invalidValue(
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: provided IP is ${result.reason}`,
          ),
        );
      }
    }
    s.ipFamilies ??= ['IPv4'];
    s.ipFamilyPolicy ??= 'SingleStack';
  }

  if (needsNodePort(svc)) {
    const allocateDynamic = typeOf(svc) === 'NodePort' || s.allocateLoadBalancerNodePorts !== false;
    const seen = new Set<number>();
    ports(svc).forEach((port, i) => {
      const requested = nodePortOf(port);
      if (requested !== 0) {
        // The same node port on two ports of one Service (e.g. TCP and UDP) is one allocation.
        if (seen.has(requested) || oldPorts.has(requested)) {
          seen.add(requested);
          return;
        }
        const result = allocators.nodePorts.allocate(requested);
        if (result.ok) {
          claimedPorts.push(requested);
          seen.add(requested);
        } else {
          causes.push(
            invalidValue(`spec.ports[${i}].nodePort`, requested, `provided port is ${result.reason}`),
          );
        }
      } else if (allocateDynamic) {
        const result = allocators.nodePorts.allocateNext();
        if (result.ok) {
          claimedPorts.push(result.value);
          port.nodePort = result.value;
        } else {
          causes.push(
            invalidValue(`spec.ports[${i}].nodePort`, 0, `failed to allocate a nodePort: ${result.reason}`),
          );
        }
      }
    });
  }

  if (needsHealthCheckPort(svc)) {
    const requested = Number(s.healthCheckNodePort ?? 0);
    if (requested !== 0 && requested !== oldHealth) {
      const result = allocators.nodePorts.allocate(requested);
      if (result.ok) claimedPorts.push(requested);
      else {
        causes.push(
          invalidValue(
            'spec.healthCheckNodePort',
            requested,
            `failed to allocate requested HealthCheck NodePort ${requested}: provided port is ${result.reason}`,
          ),
        );
      }
    } else if (requested === 0) {
      const result = allocators.nodePorts.allocateNext();
      if (result.ok) {
        claimedPorts.push(result.value);
        s.healthCheckNodePort = result.value;
      } else {
        causes.push(
          invalidValue('spec.healthCheckNodePort', 0, `failed to allocate a nodePort: ${result.reason}`),
        );
      }
    }
  }

  if (causes.length > 0) {
    for (const ip of claimedIps) allocators.clusterIps.release(ip);
    for (const port of claimedPorts) allocators.nodePorts.release(port);
  }
  return causes;
}

/** Every value a Service holds, for release on delete or when an update stops using it. */
function heldValues(svc: JsonObject): { ips: Set<number>; ports: Set<number> } {
  const ips = new Set<number>();
  const held = new Set<number>();
  const s = spec(svc);
  if (needsClusterIp(svc) && typeof s.clusterIP === 'string') {
    const ip = ipv4ToNumber(s.clusterIP);
    if (ip !== undefined) ips.add(ip);
  }
  if (needsNodePort(svc)) for (const p of ports(svc)) if (nodePortOf(p) !== 0) held.add(nodePortOf(p));
  if (needsHealthCheckPort(svc) && typeof s.healthCheckNodePort === 'number' && s.healthCheckNodePort !== 0) {
    held.add(s.healthCheckNodePort);
  }
  return { ips, ports: held };
}

/** Gives back what `before` held and `after` (undefined: the Service is gone) no longer does. */
export function releaseService(
  before: JsonObject,
  after: JsonObject | undefined,
  allocators: ServiceAllocators,
): void {
  const was = heldValues(before);
  const now = after ? heldValues(after) : { ips: new Set<number>(), ports: new Set<number>() };
  for (const ip of was.ips) if (!now.ips.has(ip)) allocators.clusterIps.release(ip);
  for (const port of was.ports) if (!now.ports.has(port)) allocators.nodePorts.release(port);
}
