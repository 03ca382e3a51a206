import type { FieldCause } from './api-errors.js';
import { forbidden, invalidValue } from './api-errors.js';
import { isCidr } from './cidr.js';
import type { JsonObject, JsonValue } from './json.js';
import { childObject, deepEqual, isJsonObject } from './json.js';

/**
 * Node rules a route controller depends on: v1 conversion keeps spec.podCIDR and spec.podCIDRs in step,
 * the CIDRs must parse, and once set neither the pod CIDRs nor the providerID may change (ValidateNodeUpdate).
 */
export function defaultNodeSpec(node: JsonObject): void {
  const spec = childObject(node, 'spec');
  const single = typeof spec.podCIDR === 'string' ? spec.podCIDR : '';
  const list = Array.isArray(spec.podCIDRs) ? spec.podCIDRs : [];
  if (list.length === 0 && single !== '') spec.podCIDRs = [single];
  if (single === '' && typeof list[0] === 'string') spec.podCIDR = list[0];
}

export function validateNode(node: JsonObject, old: JsonObject | undefined): FieldCause[] {
  const causes: FieldCause[] = [];
  const spec = isJsonObject(node.spec) ? node.spec : {};
  const cidrs: JsonValue[] = Array.isArray(spec.podCIDRs) ? spec.podCIDRs : [];
  if (typeof spec.podCIDR === 'string' && cidrs.length > 0 && spec.podCIDR !== cidrs[0]) {
    causes.push(invalidValue('spec.podCIDR', spec.podCIDR, 'must match the first element of spec.podCIDRs'));
  }
  cidrs.forEach((cidr, i) => {
    if (typeof cidr !== 'string' || !isCidr(cidr))
      causes.push(invalidValue(`spec.podCIDRs[${i}]`, cidrs, 'must be valid CIDR'));
  });
  const families = new Set(cidrs.map((cidr) => (String(cidr).includes(':') ? 6 : 4)));
  if (cidrs.length > 2 || (cidrs.length === 2 && families.size !== 2)) {
    causes.push(invalidValue('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
  }
  if (!old) return causes;
  const oldSpec = isJsonObject(old.spec) ? old.spec : {};
  const oldCidrs = Array.isArray(oldSpec.podCIDRs) ? oldSpec.podCIDRs : [];
  if (oldCidrs.length > 0 && !deepEqual(oldCidrs, cidrs)) {
    causes.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = typeof oldSpec.providerID === 'string' ? oldSpec.providerID : '';
  if (oldProvider !== '' && spec.providerID !== oldProvider) {
    causes.push(
      forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'),
    );
  }
  return causes;
}
