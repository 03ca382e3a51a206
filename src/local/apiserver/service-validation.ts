import { ipv4ToNumber } from './allocators.js';
import type { FieldCause } from './api-errors.js';
import { duplicate, forbidden, invalidValue, notSupported, required } from './api-errors.js';
import { isCidr } from './cidr.js';
import type { JsonObject } from './json.js';
import { childObject } from './json.js';
import {
  externallyAccessible,
  needsClusterIp,
  needsHealthCheckPort,
  needsNodePort,
  nodePortOf,
  ports,
  spec,
  typeOf,
} from './service-shape.js';
import { nameProblems } from './validation.js';

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] as const;
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

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
  causes.push(...validateSourceRanges(svc));
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

const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

/** spec.loadBalancerSourceRanges, or else the legacy annotation: LoadBalancer only, and CIDRs only. */
function validateSourceRanges(svc: JsonObject): FieldCause[] {
  const s = spec(svc);
  const ranges = Array.isArray(s.loadBalancerSourceRanges) ? s.loadBalancerSourceRanges.map(String) : [];
  const annotations = childObject(childObject(svc, 'metadata'), 'annotations');
  const annotation = annotations[SOURCE_RANGES_ANNOTATION];
  if (Object.keys(annotations).length === 0) delete childObject(svc, 'metadata').annotations;
  if (ranges.length === 0 && typeof annotation !== 'string') return [];
  const [field, shown, values] =
    ranges.length > 0
      ? ['spec.LoadBalancerSourceRanges', `[${ranges.join(' ')}]`, ranges]
      : [
          `metadata.annotations[${SOURCE_RANGES_ANNOTATION}]`,
          String(annotation),
          String(annotation).trim() === '' ? [] : String(annotation).split(','),
        ];
  const causes: FieldCause[] = [];
  if (typeOf(svc) !== 'LoadBalancer')
    causes.push(forbidden(field, "may only be used when `type` is 'LoadBalancer'"));
  if (!values.every((v) => isCidr(v.trim()))) {
    causes.push(
      invalidValue(field, shown, 'must be a list of IP ranges. For example, 10.240.0.0/24,10.250.0.0/24 '),
    );
  }
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
