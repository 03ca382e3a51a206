import { unsupportedMediaType } from './api-errors.js';
import type { JsonObject } from './json.js';
import type { FieldSpec, MessageSchema, SchemaSet } from './protobuf-wire.js';
import { decodeMessage, ProtobufError, readFields } from './protobuf-wire.js';

/**
 * Request bodies in `application/vnd.kubernetes.protobuf`, which kubectl's typed clients send for
 * `kubectl create namespace|configmap|secret|serviceaccount|service|ingress`. Field numbers are those of
 * k8s.io/api's generated.proto for the fields those commands set; replies are always JSON, which the
 * clients accept.
 */
export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const f = (name: string, type: FieldSpec['type'], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type,
  ...extra,
});
const msg = (message: string) => ({ message });
const many = { repeated: true } as const;
const pointer = { pointer: true } as const;

const SCHEMAS: SchemaSet = {
  ObjectMeta: {
    1: f('name', 'string'),
    2: f('generateName', 'string'),
    3: f('namespace', 'string'),
    5: f('uid', 'string'),
    6: f('resourceVersion', 'string'),
    7: f('generation', 'int64'),
    8: f('creationTimestamp', 'time'),
    10: f('deletionGracePeriodSeconds', 'int64', pointer),
    11: f('labels', 'mapStringString'),
    12: f('annotations', 'mapStringString'),
    13: f('ownerReferences', msg('OwnerReference'), many),
    14: f('finalizers', 'string', many),
  },
  OwnerReference: {
    1: f('kind', 'string'),
    3: f('name', 'string'),
    4: f('uid', 'string'),
    5: f('apiVersion', 'string'),
    6: f('controller', 'bool', pointer),
    7: f('blockOwnerDeletion', 'bool', pointer),
  },
  Namespace: { 1: f('metadata', msg('ObjectMeta')), 2: f('spec', msg('NamespaceSpec')) },
  NamespaceSpec: { 1: f('finalizers', 'string', many) },
  ConfigMap: {
    1: f('metadata', msg('ObjectMeta')),
    2: f('data', 'mapStringString'),
    3: f('binaryData', 'mapStringBytes'),
    4: f('immutable', 'bool', pointer),
  },
  Secret: {
    1: f('metadata', msg('ObjectMeta')),
    2: f('data', 'mapStringBytes'),
    3: f('type', 'string'),
    4: f('stringData', 'mapStringString'),
    5: f('immutable', 'bool', pointer),
  },
  ServiceAccount: {
    1: f('metadata', msg('ObjectMeta')),
    2: f('secrets', msg('ObjectReference'), many),
    3: f('imagePullSecrets', msg('LocalObjectReference'), many),
    4: f('automountServiceAccountToken', 'bool', pointer),
  },
  ObjectReference: {
    1: f('kind', 'string'),
    2: f('namespace', 'string'),
    3: f('name', 'string'),
    4: f('uid', 'string'),
    5: f('apiVersion', 'string'),
    6: f('resourceVersion', 'string'),
    7: f('fieldPath', 'string'),
  },
  LocalObjectReference: { 1: f('name', 'string') },
  Service: { 1: f('metadata', msg('ObjectMeta')), 2: f('spec', msg('ServiceSpec')) },
  ServiceSpec: {
    1: f('ports', msg('ServicePort'), many),
    2: f('selector', 'mapStringString'),
    3: f('clusterIP', 'string'),
    4: f('type', 'string'),
    5: f('externalIPs', 'string', many),
    7: f('sessionAffinity', 'string'),
    8: f('loadBalancerIP', 'string'),
    9: f('loadBalancerSourceRanges', 'string', many),
    10: f('externalName', 'string'),
    11: f('externalTrafficPolicy', 'string'),
    12: f('healthCheckNodePort', 'int32'),
    13: f('publishNotReadyAddresses', 'bool'),
    17: f('ipFamilyPolicy', 'string'),
    18: f('clusterIPs', 'string', many),
    19: f('ipFamilies', 'string', many),
    20: f('allocateLoadBalancerNodePorts', 'bool', pointer),
    21: f('loadBalancerClass', 'string'),
    22: f('internalTrafficPolicy', 'string'),
  },
  ServicePort: {
    1: f('name', 'string'),
    2: f('protocol', 'string'),
    3: f('port', 'int32'),
    4: f('targetPort', 'intOrString'),
    5: f('nodePort', 'int32'),
    6: f('appProtocol', 'string'),
  },
  Ingress: { 1: f('metadata', msg('ObjectMeta')), 2: f('spec', msg('IngressSpec')) },
  IngressSpec: {
    1: f('defaultBackend', msg('IngressBackend')),
    2: f('tls', msg('IngressTLS'), many),
    3: f('rules', msg('IngressRule'), many),
    4: f('ingressClassName', 'string'),
  },
  IngressBackend: { 4: f('service', msg('IngressServiceBackend')) },
  IngressServiceBackend: { 1: f('name', 'string'), 2: f('port', msg('ServiceBackendPort')) },
  ServiceBackendPort: { 1: f('name', 'string'), 2: f('number', 'int32') },
  IngressTLS: { 1: f('hosts', 'string', many), 2: f('secretName', 'string') },
  IngressRule: {
    1: f('host', 'string'),
    2: f('ingressRuleValue', msg('IngressRuleValue'), { inline: true }),
  },
  IngressRuleValue: { 1: f('http', msg('HTTPIngressRuleValue')) },
  HTTPIngressRuleValue: { 1: f('paths', msg('HTTPIngressPath'), many) },
  HTTPIngressPath: {
    1: f('path', 'string'),
    2: f('backend', msg('IngressBackend')),
    3: f('pathType', 'string'),
  },
};

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

/** Decodes a protobuf request body (the runtime.Unknown envelope around the object) into its JSON form. */
export function decodeProtobufBody(body: Uint8Array): JsonObject {
  const rejected = unsupportedMediaType(PROTOBUF_CONTENT_TYPE, ['application/json', 'application/yaml']);
  if (body.length < 4 || !MAGIC.equals(body.subarray(0, 4))) throw rejected;
  try {
    let apiVersion = '';
    let kind = '';
    let raw: Uint8Array | undefined;
    for (const field of readFields(body.subarray(4))) {
      if (field.number === 1 && field.bytes) {
        for (const meta of readFields(field.bytes)) {
          if (meta.number === 1) apiVersion = Buffer.from(meta.bytes ?? []).toString('utf8');
          if (meta.number === 2) kind = Buffer.from(meta.bytes ?? []).toString('utf8');
        }
      }
      if (field.number === 2) raw = field.bytes;
    }
    const schema: MessageSchema | undefined = SCHEMAS[kind];
    if (!schema || raw === undefined) throw rejected;
    return { apiVersion, kind, ...decodeMessage(raw, kind, SCHEMAS) };
  } catch (error) {
    if (error instanceof ProtobufError) throw rejected;
    throw error;
  }
}
