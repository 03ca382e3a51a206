import type { FieldCause } from './api-errors.js';
import { invalidValue, required } from './api-errors.js';
import type { JsonObject } from './json.js';
import { isJsonObject } from './json.js';
import { namespaceOf } from './object-meta.js';

/**
 * legacyValidateEvent, which core/v1 Event creates go through: an event without eventTime must sit in its
 * involved object's namespace ("default" for cluster-scoped objects); one with eventTime (the new-style
 * recorder) must name its reporting controller and instance, an action and a reason.
 */
export function validateEvent(event: JsonObject): FieldCause[] {
  const causes: FieldCause[] = [];
  const involved = isJsonObject(event.involvedObject) ? event.involvedObject : {};
  const involvedNs = typeof involved.namespace === 'string' ? involved.namespace : '';
  const ns = namespaceOf(event);
  const eventTime = event.eventTime;
  if (eventTime === undefined || eventTime === null || eventTime === '') {
    const ok = involvedNs === '' ? ns === '' || ns === 'default' : ns === involvedNs;
    if (!ok)
      causes.push(invalidValue('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
    return causes;
  }
  if (involvedNs === '' && ns !== 'default' && ns !== 'kube-system') {
    causes.push(invalidValue('involvedObject.namespace', involvedNs, 'does not match event.namespace'));
  }
  for (const [field, path] of [
    ['reportingComponent', 'reportingComponent'],
    ['reportingInstance', 'reportingInstance'],
    ['action', 'action'],
    ['reason', 'reason'],
  ] as const) {
    const value = event[field];
    if (typeof value !== 'string' || value === '') causes.push(required(path));
  }
  return causes;
}
