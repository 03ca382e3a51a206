import { describe, expect, it } from 'vitest';
import { createServiceAllocators, ipv4ToNumber } from '../../../src/local/apiserver/allocators.js';
import type { JsonObject } from '../../../src/local/apiserver/json.js';
import { allocateService, releaseService } from '../../../src/local/apiserver/service-allocation.js';
import {
  defaultService,
  dropTypeDependentFields,
  patchAllocatedValues,
} from '../../../src/local/apiserver/service-defaults.js';
import { validateService } from '../../../src/local/apiserver/service-validation.js';

function prepared(spec: JsonObject, allocators = createServiceAllocators()): JsonObject {
  const svc: JsonObject = { metadata: { name: 's' }, spec };
  defaultService(svc);
  expect(validateService(svc)).toEqual([]);
  expect(allocateService(svc, undefined, allocators)).toEqual([]);
  return svc;
}

describe('Service defaulting and allocation', () => {
  it('defaults a ClusterIP Service like the v1 defaulters', () => {
    const svc = prepared({ ports: [{ port: 80 }] });
    expect(svc.spec).toEqual({
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      clusterIP: expect.stringMatching(/^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/),
      clusterIPs: [expect.any(String)],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
    });
  });

  it('gives a LoadBalancer node ports, and with externalTrafficPolicy Local a health-check port', () => {
    const svc = prepared({
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Local',
      ports: [
        { name: 'a', port: 80, targetPort: 'http' },
        { name: 'b', port: 443, nodePort: 31443 },
      ],
    });
    const spec = svc.spec as JsonObject & { ports: JsonObject[] };
    expect(spec.allocateLoadBalancerNodePorts).toBe(true);
    expect(spec.ports[0]).toMatchObject({ targetPort: 'http', nodePort: expect.any(Number) });
    expect(spec.ports[1]?.nodePort).toBe(31443);
    expect(spec.healthCheckNodePort).toBeGreaterThanOrEqual(30000);
    expect(new Set([spec.ports[0]?.nodePort, 31443, spec.healthCheckNodePort]).size).toBe(3);
  });

  it('keeps headless and honours allocateLoadBalancerNodePorts=false', () => {
    expect(prepared({ clusterIP: 'None', selector: { a: 'b' } }).spec).toMatchObject({
      clusterIP: 'None',
      clusterIPs: ['None'],
    });
    const lb = prepared({
      type: 'LoadBalancer',
      allocateLoadBalancerNodePorts: false,
      ports: [{ port: 80 }],
    });
    expect((lb.spec as { ports: JsonObject[] }).ports[0]?.nodePort).toBeUndefined();
  });

  it('refuses taken or out-of-range node ports and cluster IPs, claiming nothing', () => {
    const allocators = createServiceAllocators();
    prepared(
      { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }], clusterIP: '10.96.0.50' },
      allocators,
    );
    const clash: JsonObject = {
      spec: {
        type: 'NodePort',
        clusterIP: '10.96.0.51',
        ports: [
          { name: 'a', port: 80, nodePort: 30001 },
          { name: 'b', port: 81, nodePort: 80 },
        ],
      },
    };
    defaultService(clash);
    const causes = allocateService(clash, undefined, allocators);
    expect(causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated',
      'spec.ports[1].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
    ]);
    expect(allocators.clusterIps.has(ipv4ToNumber('10.96.0.51')!)).toBe(false); // given back
    expect(allocators.clusterIps.has(ipv4ToNumber('10.96.0.50')!)).toBe(true);
    const ipClash: JsonObject = { spec: { clusterIP: '10.96.0.50', ports: [{ port: 80 }] } };
    defaultService(ipClash);
    expect(allocateService(ipClash, undefined, allocators)[0]?.message).toBe(
      'Invalid value: []string{"10.96.0.50"}: failed to allocate IP 10.96.0.50: provided IP is already allocated',
    );
  });

  it('keeps allocated values on update, clears them on a type change, and releases them', () => {
    const allocators = createServiceAllocators();
    const old = prepared({ type: 'LoadBalancer', ports: [{ name: 'http', port: 80 }] }, allocators);
    const oldPort = (old.spec as { ports: JsonObject[] }).ports[0]?.nodePort as number;

    const sameType: JsonObject = { spec: { type: 'LoadBalancer', ports: [{ name: 'http', port: 8080 }] } };
    defaultService(sameType);
    dropTypeDependentFields(sameType, old);
    patchAllocatedValues(sameType, old);
    expect(sameType.spec).toMatchObject({
      clusterIP: (old.spec as JsonObject).clusterIP,
      ports: [{ nodePort: oldPort }],
    });

    const toClusterIp = structuredClone(old);
    (toClusterIp.spec as JsonObject).type = 'ClusterIP';
    dropTypeDependentFields(toClusterIp, old);
    defaultService(toClusterIp);
    expect(validateService(toClusterIp, old)).toEqual([]);
    expect((toClusterIp.spec as { ports: JsonObject[] }).ports[0]?.nodePort).toBeUndefined();
    expect((toClusterIp.spec as JsonObject).allocateLoadBalancerNodePorts).toBeUndefined();
    releaseService(old, toClusterIp, allocators);
    expect(allocators.nodePorts.has(oldPort)).toBe(false);

    const changedIp = structuredClone(old);
    (changedIp.spec as JsonObject).clusterIP = '10.96.0.99';
    expect(validateService(changedIp, old).map((c) => c.field)).toContain('spec.clusterIPs[0]');
  });

  it('validates type, ports and ExternalName', () => {
    const bad: JsonObject = {
      spec: {
        type: 'Magic',
        ports: [
          { name: 'a', port: 80 },
          { name: 'a', port: 80 },
        ],
      },
    };
    defaultService(bad);
    expect(validateService(bad).map((c) => `${c.field}: ${c.reason}`)).toEqual([
      'spec.type: FieldValueNotSupported',
      'spec.ports[1].name: FieldValueDuplicate',
      'spec.ports[1]: FieldValueDuplicate',
    ]);
    const external: JsonObject = { spec: { type: 'ExternalName' } };
    defaultService(external);
    expect(validateService(external).map((c) => c.field)).toEqual(['spec.externalName']);
  });
});
