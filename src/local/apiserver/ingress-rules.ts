import type { FieldCause } from './api-errors.js';
import { forbidden, invalidValue, notSupported, required } from './api-errors.js';
import { isIp } from './cidr.js';
import type { JsonObject, JsonValue } from './json.js';
import { isJsonObject } from './json.js';
import { nameProblems } from './validation.js';

/**
 * The parts of ValidateIngressCreate an Ingress controller's tests can trip over: a default backend or rules,
 * hosts that are DNS names (a leading `*.` allowed), paths with a pathType and an absolute path, backends
 * naming exactly one of service or resource, and service ports by name or number.
 */
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];

const obj = (value: JsonValue | undefined): JsonObject => (isJsonObject(value) ? value : {});
const list = (value: JsonValue | undefined): JsonValue[] => (Array.isArray(value) ? value : []);

function validateBackend(backend: JsonObject, path: string): FieldCause[] {
  const hasService = isJsonObject(backend.service);
  const hasResource = isJsonObject(backend.resource);
  if (hasService && hasResource)
    return [invalidValue(path, '', 'cannot set both resource and service backends')];
  if (!hasService && !hasResource) return [invalidValue(path, '', 'resource or service backend is required')];
  if (!hasService) return [];
  const service = obj(backend.service);
  const causes: FieldCause[] = [];
  const name = typeof service.name === 'string' ? service.name : '';
  if (name === '') causes.push(required(`${path}.service.name`));
  else
    for (const p of nameProblems(name, 'dns1035-label'))
      causes.push(invalidValue(`${path}.service.name`, name, p));
  const port = obj(service.port);
  const hasName = typeof port.name === 'string' && port.name !== '';
  const hasNumber = typeof port.number === 'number' && port.number !== 0;
  if (hasName && hasNumber) {
    causes.push(invalidValue(`${path}.service.port`, port, 'cannot set both port name & port number'));
  } else if (!hasName && !hasNumber) {
    causes.push(invalidValue(`${path}.service.port`, port, 'port name or number is required'));
  } else if (hasNumber && ((port.number as number) < 1 || (port.number as number) > 65535)) {
    causes.push(
      invalidValue(`${path}.service.port.number`, port.number ?? 0, 'must be between 1 and 65535, inclusive'),
    );
  }
  return causes;
}

function validateHost(host: string, path: string): FieldCause[] {
  if (isIp(host)) return [invalidValue(path, host, 'must be a DNS name, not an IP address')];
  const name = host.startsWith('*.') ? host.slice(2) : host;
  return nameProblems(name, 'dns1123-subdomain').map((p) => invalidValue(path, host, p));
}

export function validateIngress(ingress: JsonObject): FieldCause[] {
  const spec = obj(ingress.spec);
  const rules = list(spec.rules);
  const causes: FieldCause[] = [];
  if (rules.length === 0 && !isJsonObject(spec.defaultBackend)) {
    causes.push(invalidValue('spec.rules', [], 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isJsonObject(spec.defaultBackend))
    causes.push(...validateBackend(spec.defaultBackend, 'spec.defaultBackend'));
  if (typeof spec.ingressClassName === 'string') {
    for (const p of nameProblems(spec.ingressClassName, 'dns1123-subdomain')) {
      causes.push(invalidValue('spec.ingressClassName', spec.ingressClassName, p));
    }
  }
  rules.forEach((rule, i) => {
    const at = `spec.rules[${i}]`;
    const host = obj(rule).host;
    if (typeof host === 'string' && host !== '') causes.push(...validateHost(host, `${at}.host`));
    const http = obj(rule).http;
    if (!isJsonObject(http)) return;
    const paths = list(http.paths);
    if (paths.length === 0) causes.push(required(`${at}.http.paths`));
    paths.forEach((entry, j) => {
      const pathAt = `${at}.http.paths[${j}]`;
      const p = obj(entry);
      const pathType = p.pathType;
      if (pathType === undefined || pathType === '') {
        causes.push(required(`${pathAt}.pathType`, 'pathType must be specified'));
      } else if (!PATH_TYPES.includes(String(pathType))) {
        causes.push(notSupported(`${pathAt}.pathType`, pathType, PATH_TYPES));
      }
      const value = typeof p.path === 'string' ? p.path : '';
      if ((pathType === 'Exact' || pathType === 'Prefix') && !value.startsWith('/')) {
        causes.push(invalidValue(`${pathAt}.path`, value, 'must be an absolute path'));
      }
      if (!isJsonObject(p.backend)) causes.push(required(`${pathAt}.backend`));
      else causes.push(...validateBackend(p.backend, `${pathAt}.backend`));
    });
  });
  list(spec.tls).forEach((tls, i) => {
    list(obj(tls).hosts).forEach((host, j) => {
      if (typeof host === 'string') causes.push(...validateHost(host, `spec.tls[${i}].hosts[${j}]`));
      else causes.push(forbidden(`spec.tls[${i}].hosts[${j}]`, 'must be a string'));
    });
  });
  return causes;
}
