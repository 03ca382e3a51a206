import type { ServiceAllocators } from './allocators.js';
import { ipv4ToNumber, numberToIpv4 } from './allocators.js';
import type { FieldCause } from './api-errors.js';
import { duplicate, forbidden, invalidValue, notSupported, required } from './api-errors.js';
import type { JsonObject, JsonValue } from './json.js';
import { childObject, deepEqual, isJsonObject } from './json.js';
import { nameProblems } from './validation.js';

/**
 * What kube-apiserver does to a Service on the way in: v1 defaulting (SetDefaults_Service), the registry's
 * type-change clean-up and allocated-value carry-over on update, a subset of ValidateService, and
 * ClusterIP / NodePort / HealthCheckNodePort allocation. Cloud controllers read every one of these fields.
 */
const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

function spec(svc: JsonObject): JsonObject {
  return childObject(svc, 'spec');
}

function ports(svc: JsonObject): JsonObject[] {
  const list = spec(svc).ports;
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}

const typeOf = (svc: JsonObject): string => String(spec(svc).type ?? 'ClusterIP');
const needsClusterIp = (svc: JsonObject) => typeOf(svc) !== 'ExternalName';
const needsNodePort = (svc: JsonObject) => typeOf(svc) === 'NodePort' || typeOf(svc) === 'LoadBalancer';
const needsHealthCheckPort = (svc: JsonObject) =>
  typeOf(svc) === 'LoadBalancer' && spec(svc).externalTrafficPolicy === 'Local';
const externallyAccessible = (svc: JsonObject) =>
  needsNodePort(svc) ||
  (Array.isArray(spec(svc).externalIPs) && (spec(svc).externalIPs as JsonValue[]).length > 0);

const nodePortOf = (port: JsonObject): number => (typeof port.nodePort === 'number' ? port.nodePort : 0);

/** SetDefaults_Service and SetDefaults_ServicePort. */
export function defaultService(svc: JsonObject): void {
  const s = spec(svc);
  s.type ??= 'ClusterIP';
  s.sessionAffinity ??= 'None';
  if (s.sessionAffinity === 'ClientIP') {
    const clientIp = childObject(childObject(s, 'sessionAffinityConfig'), 'clientIP');
    clientIp.timeoutSeconds ??= 10800;
  }
  for (const port of ports(svc)) {
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '') {
      port.targetPort = port.port ?? 0;
    }
  }
  if (
    externallyAccessible(svc) &&
    (s.externalTrafficPolicy === undefined || s.externalTrafficPolicy === '')
  ) {
    s.externalTrafficPolicy = 'Cluster';
  }
  if (s.type !== 'ExternalName') s.internalTrafficPolicy ??= 'Cluster';
  if (s.type === 'LoadBalancer') s.allocateLoadBalancerNodePorts ??= true;
}

/** The registry's dropTypeDependentFields: a type change clears values the server filled in and the user kept. */
export function dropTypeDependentFields(svc: JsonObject, old: JsonObject): void {
  const s = spec(svc);
  const o = spec(old);
  if (needsClusterIp(old) && !needsClusterIp(svc)) {
    if (deepEqual(s.clusterIP, o.clusterIP) && deepEqual(s.clusterIPs, o.clusterIPs)) {
      delete s.clusterIP;
      delete s.clusterIPs;
    }
    if (deepEqual(s.ipFamilies, o.ipFamilies)) delete s.ipFamilies;
    if (deepEqual(s.ipFamilyPolicy, o.ipFamilyPolicy)) delete s.ipFamilyPolicy;
  }
  const sameNodePorts =
    ports(svc).length === ports(old).length &&
    ports(svc).every((p, i) => nodePortOf(p) === nodePortOf(ports(old)[i]!));
  if (needsNodePort(old) && !needsNodePort(svc) && sameNodePorts) {
    for (const port of ports(svc)) delete port.nodePort;
  }
  if (
    needsHealthCheckPort(old) &&
    !needsHealthCheckPort(svc) &&
    s.healthCheckNodePort === o.healthCheckNodePort
  ) {
    delete s.healthCheckNodePort;
  }
  if (s.type !== 'LoadBalancer') {
    if (s.allocateLoadBalancerNodePorts === o.allocateLoadBalancerNodePorts)
      delete s.allocateLoadBalancerNodePorts;
    if (s.loadBalancerClass === o.loadBalancerClass) delete s.loadBalancerClass;
  }
  if (!externallyAccessible(svc) && s.externalTrafficPolicy === o.externalTrafficPolicy) {
    delete s.externalTrafficPolicy;
  }
}

/** The registry's patchAllocatedValues: an update that omits allocated values keeps the old ones. */
export function patchAllocatedValues(svc: JsonObject, old: JsonObject): void {
  const s = spec(svc);
  const o = spec(old);
  if (needsClusterIp(old) && needsClusterIp(svc)) {
    if (s.clusterIP === undefined || s.clusterIP === '') {
      if (o.clusterIP !== undefined) s.clusterIP = o.clusterIP;
    }
    if (!Array.isArray(s.clusterIPs) || s.clusterIPs.length === 0) {
      if (o.clusterIPs !== undefined) s.clusterIPs = o.clusterIPs;
    }
  }
  if (needsNodePort(old) && needsNodePort(svc)) {
    const oldUsed = new Set(ports(old).map(nodePortOf));
    const used = new Set(
      ports(svc)
        .map(nodePortOf)
        .filter((p) => oldUsed.has(p)),
    );
    const byName = new Map(ports(old).map((p) => [String(p.name ?? ''), nodePortOf(p)]));
    for (const port of ports(svc)) {
      if (nodePortOf(port) !== 0) continue;
      const previous = byName.get(String(port.name ?? '')) ?? 0;
      if (previous !== 0 && !used.has(previous)) port.nodePort = previous;
    }
  }
  if (needsHealthCheckPort(old) && needsHealthCheckPort(svc)) {
    if (s.healthCheckNodePort === undefined || s.healthCheckNodePort === 0) {
      if (o.healthCheckNodePort !== undefined) s.healthCheckNodePort = o.healthCheckNodePort;
    }
  }
}

/** The parts of ValidateService / ValidateServiceUpdate a controller can trip over. */
export function validateService(svc: JsonObject, old?: JsonObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const s = spec(svc);
  const type = typeOf(svc);
  if (!(TYPES as readonly string[]).includes(type)) causes.push(notSupported('spec.type', type, TYPES));
  const headless = s.clusterIP === 'None';
  const list = ports(svc);
  if (list.length === 0 && !headless && type !== 'ExternalName') causes.push(required('spec.ports'));
  if (type === 'ExternalName' && (typeof s.externalName !== 'string' || s.externalName === '')) {
    causes.push(required('spec.externalName'));
  }
  const names = new Set<string>();
  const portKeys = new Set<string>();
  list.forEach((port, i) => {
    const path = `spec.ports[${i}]`;
    const name = typeof port.name === 'string' ? port.name : '';
    if (name === '' && list.length > 1) causes.push(required(`${path}.name`));
    if (name !== '') {
      for (const problem of nameProblems(name, 'dns1123-label'))
        causes.push(invalidValue(`${path}.name`, name, problem));
      if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
      names.add(name);
    }
    const number = port.port;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
      causes.push(invalidValue(`${path}.port`, number ?? 0, 'must be between 1 and 65535, inclusive'));
    }
    const protocol = String(port.protocol);
    if (!(PROTOCOLS as readonly string[]).includes(protocol)) {
      causes.push(notSupported(`${path}.protocol`, protocol, PROTOCOLS));
    }
    const key = `${String(number)}/${protocol}`;
    if (portKeys.has(key)) causes.push(duplicate(path, { port: number ?? 0, protocol }));
    portKeys.add(key);
    const target = port.targetPort;
    if (typeof target === 'number' && (!Number.isInteger(target) || target < 1 || target > 65535)) {
      causes.push(invalidValue(`${path}.targetPort`, target, 'must be between 1 and 65535, inclusive'));
    }
    if (nodePortOf(port) !== 0 && !needsNodePort(svc)) {
      causes.push(forbidden(`${path}.nodePort`, `may not be used when \`type\` is '${type}'`));
    }
  });
  const etp = s.externalTrafficPolicy;
  if (etp !== undefined && etp !== '') {
    if (!externallyAccessible(svc)) {
      causes.push(
        invalidValue(
          'spec.externalTrafficPolicy',
          etp,
          "may only be set when `type` is 'NodePort' or 'LoadBalancer'",
        ),
      );
    } else if (etp !== 'Cluster' && etp !== 'Local') {
      causes.push(notSupported('spec.externalTrafficPolicy', etp, ['Cluster', 'Local']));
    }
  }
  if (s.healthCheckNodePort !== undefined && s.healthCheckNodePort !== 0 && !needsHealthCheckPort(svc)) {
    causes.push(
      invalidValue(
        'spec.healthCheckNodePort',
        s.healthCheckNodePort,
        "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
      ),
    );
  }
  if (s.loadBalancerClass !== undefined && type !== 'LoadBalancer') {
    causes.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (typeof s.clusterIP === 'string' && s.clusterIP !== '' && s.clusterIP !== 'None') {
    if (ipv4ToNumber(s.clusterIP) === undefined) {
      causes.push(
        invalidValue(
          'spec.clusterIPs[0]',
          s.clusterIP,
          'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
        ),
      );
    }
  }
  if (old) causes.push(...validateServiceUpdate(svc, old));
  return causes;
}

function validateServiceUpdate(svc: JsonObject, old: JsonObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const s = spec(svc);
  const o = spec(old);
  if (needsClusterIp(old) && needsClusterIp(svc) && typeof o.clusterIP === 'string' && o.clusterIP !== '') {
    if (s.clusterIP !== o.clusterIP) {
      causes.push(invalidValue('spec.clusterIPs[0]', s.clusterIP ?? '', 'may not change once set'));
    }
  }
  if (
    typeOf(old) === 'LoadBalancer' &&
    typeOf(svc) === 'LoadBalancer' &&
    s.loadBalancerClass !== o.loadBalancerClass
  ) {
    causes.push(
      invalidValue('spec.loadBalancerClass', s.loadBalancerClass ?? null, 'may not change once set'),
    );
  }
  return causes;
}

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
