import { describe, expect, it } from 'vitest';
import { validateIngress } from '../../../src/local/apiserver/ingress-rules.js';
import type { JsonObject } from '../../../src/local/apiserver/json.js';
import { defaultService } from '../../../src/local/apiserver/service-defaults.js';
import { validateService } from '../../../src/local/apiserver/service-validation.js';

const backend = { service: { name: 'web', port: { number: 80 } } };

describe('Ingress validation', () => {
  it('accepts a well-formed Ingress with a wildcard host and TLS', () => {
    const ingress: JsonObject = {
      spec: {
        ingressClassName: 'skyway',
        rules: [{ host: '*.example.com', http: { paths: [{ path: '/api', pathType: 'Prefix', backend }] } }],
        tls: [{ hosts: ['*.example.com'], secretName: 'cert' }],
      },
    };
    expect(validateIngress(ingress)).toEqual([]);
  });

  it('reports each broken field by path', () => {
    const ingress: JsonObject = {
      spec: {
        rules: [
          {
            host: '10.0.0.1',
            http: {
              paths: [
                { path: 'api', pathType: 'Prefix', backend },
                { path: '/', backend: { service: { name: 'web', port: { name: 'http', number: 80 } } } },
                { path: '/', pathType: 'Regex', backend: {} },
              ],
            },
          },
        ],
      },
    };
    expect(validateIngress(ingress).map((c) => `${c.field}: ${c.reason}`)).toEqual([
      'spec.rules[0].host: FieldValueInvalid',
      'spec.rules[0].http.paths[0].path: FieldValueInvalid',
      'spec.rules[0].http.paths[1].pathType: FieldValueRequired',
      'spec.rules[0].http.paths[1].backend.service.port: FieldValueInvalid',
      'spec.rules[0].http.paths[2].pathType: FieldValueNotSupported',
      'spec.rules[0].http.paths[2].backend: FieldValueInvalid',
    ]);
    expect(validateIngress({ spec: {} }).map((c) => c.field)).toEqual(['spec.rules']);
  });
});

describe('Service load balancer source ranges', () => {
  const lb = (extra: JsonObject, annotations?: JsonObject): JsonObject => {
    const svc: JsonObject = {
      metadata: annotations ? { annotations } : {},
      spec: { type: 'LoadBalancer', ports: [{ port: 80 }], ...extra },
    };
    defaultService(svc);
    return svc;
  };

  it('accepts CIDRs in the field or the annotation', () => {
    expect(validateService(lb({ loadBalancerSourceRanges: ['10.0.0.0/8', '2001:db8::/32'] }))).toEqual([]);
    const annotated = lb(
      {},
      { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8, 192.168.0.0/16' },
    );
    expect(validateService(annotated)).toEqual([]);
  });

  it('rejects a malformed range and ranges on a non-LoadBalancer Service', () => {
    const bad = lb({}, { 'service.beta.kubernetes.io/load-balancer-source-ranges': '10.0.0.0/8,nope' });
    expect(validateService(bad)[0]).toMatchObject({
      field: 'metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]',
      reason: 'FieldValueInvalid',
    });
    const clusterIp = lb({ type: 'ClusterIP', loadBalancerSourceRanges: ['10.0.0.0/8'] });
    expect(validateService(clusterIp).map((c) => c.reason)).toEqual(['FieldValueForbidden']);
  });
});
