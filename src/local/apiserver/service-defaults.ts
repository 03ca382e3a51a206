import type { JsonObject } from './json.js';
import { childObject, deepEqual } from './json.js';
import {
  externallyAccessible,
  needsClusterIp,
  needsHealthCheckPort,
  needsNodePort,
  nodePortOf,
  ports,
  spec,
} from './service-shape.js';

/**
 * What kube-apiserver does to a Service's fields on the way in, before validation: v1 defaulting
 * (SetDefaults_Service), and on update the registry's type-change clean-up and allocated-value carry-over.
 */
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
