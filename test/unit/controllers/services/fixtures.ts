import type { V1Node, V1Service, V1ServicePort, V1ServiceSpec } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { TerminalError } from '../../../../src/errors.js';

export const A = 'service.beta.kubernetes.io/aws-load-balancer-';

export function service(
  options: {
    readonly annotations?: Record<string, string>;
    readonly spec?: Partial<V1ServiceSpec>;
    readonly ports?: V1ServicePort[];
  } = {},
): V1Service {
  return {
    metadata: { namespace: 'shop', name: 'web', uid: 'uid-1', annotations: options.annotations ?? {} },
    spec: {
      type: 'LoadBalancer',
      externalTrafficPolicy: 'Cluster',
      ports: options.ports ?? [{ name: 'http', protocol: 'TCP', port: 80, nodePort: 30080 }],
      ...options.spec,
    },
  };
}

export function node(
  name: string,
  extra: { labels?: Record<string, string>; taints?: string[]; deleting?: boolean; ready?: boolean } = {},
): V1Node {
  return {
    metadata: {
      name,
      labels: extra.labels ?? {},
      ...(extra.deleting ? { deletionTimestamp: new Date('2025-01-01T00:00:00Z') } : {}),
    },
    spec: { taints: (extra.taints ?? []).map((key) => ({ key, effect: 'NoSchedule' })) },
    status: { conditions: [{ type: 'Ready', status: extra.ready === false ? 'False' : 'True' }] },
  };
}

/** Runs `build` and asserts a TerminalError naming `field` whose message matches `message`. */
export function expectTerminal(build: () => unknown, field: string, message: RegExp): void {
  let caught: unknown;
  try {
    build();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(TerminalError);
  expect((caught as TerminalError).field).toBe(field);
  expect((caught as TerminalError).message).toMatch(message);
}
