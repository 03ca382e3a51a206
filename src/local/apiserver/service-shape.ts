import type { JsonObject, JsonValue } from './json.js';
import { childObject, isJsonObject } from './json.js';

/** Reading a Service's spec the way the registry's helpers (needsClusterIP, needsNodePort...) do. */
export function spec(svc: JsonObject): JsonObject {
  return childObject(svc, 'spec');
}

export function ports(svc: JsonObject): JsonObject[] {
  const list = spec(svc).ports;
  return Array.isArray(list) ? list.filter(isJsonObject) : [];
}

export const typeOf = (svc: JsonObject): string => String(spec(svc).type ?? 'ClusterIP');
export const needsClusterIp = (svc: JsonObject) => typeOf(svc) !== 'ExternalName';
export const needsNodePort = (svc: JsonObject) =>
  typeOf(svc) === 'NodePort' || typeOf(svc) === 'LoadBalancer';
export const needsHealthCheckPort = (svc: JsonObject) =>
  typeOf(svc) === 'LoadBalancer' && spec(svc).externalTrafficPolicy === 'Local';
export const externallyAccessible = (svc: JsonObject) =>
  needsNodePort(svc) ||
  (Array.isArray(spec(svc).externalIPs) && (spec(svc).externalIPs as JsonValue[]).length > 0);

export const nodePortOf = (port: JsonObject): number =>
  typeof port.nodePort === 'number' ? port.nodePort : 0;
