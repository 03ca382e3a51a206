import type { FieldCause } from './api-errors.js';
import { invalidValue, notSupported, required } from './api-errors.js';
import { isIp } from './cidr.js';
import type { JsonObject } from './json.js';
import { isJsonObject } from './json.js';
import { nameProblems } from './validation.js';

/**
 * ValidateLoadBalancerStatus (Services) and ValidateIngressLoadBalancerStatus: the rules a cloud controller
 * writing status.loadBalancer must satisfy against a real server.
 */
export function validateLoadBalancerStatus(
  status: unknown,
  path: string,
  allowIpMode: boolean,
): FieldCause[] {
  const causes: FieldCause[] = [];
  if (!isJsonObject(status)) return causes;
  const ingress = status.ingress;
  if (!Array.isArray(ingress)) return causes;
  ingress.forEach((entry, i) => {
    if (!isJsonObject(entry)) return;
    const at = `${path}.ingress[${i}]`;
    const ip = entry.ip;
    if (typeof ip === 'string' && ip !== '' && !isIp(ip)) {
      causes.push(invalidValue(`${at}.ip`, ip, 'must be a valid IP address'));
    }
    const hostname = entry.hostname;
    if (typeof hostname === 'string' && hostname !== '') {
      for (const problem of nameProblems(hostname, 'dns1123-subdomain')) {
        causes.push(invalidValue(`${at}.hostname`, hostname, problem));
      }
      if (isIp(hostname))
        causes.push(invalidValue(`${at}.hostname`, hostname, 'must be a DNS name, not an IP address'));
    }
    if (entry.ipMode !== undefined) {
      if (!allowIpMode) return;
      if (entry.ipMode !== 'VIP' && entry.ipMode !== 'Proxy') {
        causes.push(notSupported(`${at}.ipMode`, entry.ipMode, ['Proxy', 'VIP']));
      } else if (typeof ip !== 'string' || ip === '') {
        causes.push(required(`${at}.ipMode`, 'must be specified when `ip` is set'));
      }
    }
  });
  return causes;
}

export function statusOf(obj: JsonObject): JsonObject {
  return isJsonObject(obj.status) ? obj.status : {};
}
