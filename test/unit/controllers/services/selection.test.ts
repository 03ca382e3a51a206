import { describe, expect, it } from 'vitest';
import { isManagedService } from '../../../../controllers/services/selection.js';
import { service } from './fixtures.js';

describe('isManagedService', () => {
  const cases: [string, Parameters<typeof service>[0], Parameters<typeof isManagedService>[1], boolean][] = [
    ['our class', { spec: { loadBalancerClass: 'skyway.dev/nlb' } }, {}, true],
    [
      'our class, unclassed off',
      { spec: { loadBalancerClass: 'skyway.dev/nlb' } },
      { manageUnclassed: false },
      true,
    ],
    [
      'a configured class',
      { spec: { loadBalancerClass: 'example.com/lb' } },
      { loadBalancerClass: 'example.com/lb' },
      true,
    ],
    [
      'the default class when another is configured',
      { spec: { loadBalancerClass: 'skyway.dev/nlb' } },
      { loadBalancerClass: 'example.com/lb' },
      false,
    ],
    ['a foreign class', { spec: { loadBalancerClass: 'service.k8s.aws/nlb' } }, {}, false],
    ['no class, unclassed default on', {}, {}, true],
    ['no class, unclassed on', {}, { manageUnclassed: true }, true],
    ['no class, unclassed off', {}, { manageUnclassed: false }, false],
    ['type ClusterIP', { spec: { type: 'ClusterIP' } }, {}, false],
    [
      'type NodePort with our class',
      { spec: { type: 'NodePort', loadBalancerClass: 'skyway.dev/nlb' } },
      {},
      false,
    ],
  ];
  it.each(cases)('%s', (_name, shape, options, expected) => {
    expect(isManagedService(service(shape), options)).toBe(expected);
  });

  it('ignores deletionTimestamp: a Service being deleted is still ours to clean up', () => {
    const deleting = service();
    deleting.metadata = { ...deleting.metadata, deletionTimestamp: new Date() };
    expect(isManagedService(deleting, {})).toBe(true);
  });
});
