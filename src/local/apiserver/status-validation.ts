import { ipv4ToNumber } from './allocators.js';
import type { FieldCause } from './api-errors.js';
import { invalidValue, notSupported, required } from './api-errors.js';
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

function isIp(text: string): boolean {
  if (ipv4ToNumber(text) !== undefined) return true;
  return /^[0-9a-fA-F:.]+$/.test(text) && text.includes(':') && isIpv6(text);
}

function isIpv6(text: string): boolean {
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const tail = groups[groups.length - 1];
  const hasV4 = tail?.includes('.') === true;
  if (hasV4 && ipv4ToNumber(tail!) === undefined) return false;
  const hexGroups = hasV4 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (hasV4 ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

export function statusOf(obj: JsonObject): JsonObject {
  return isJsonObject(obj.status) ? obj.status : {};
}
