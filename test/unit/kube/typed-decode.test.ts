import { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { typedDecoder } from '../../../src/kube/typed-decode.js';

describe('typedDecoder', () => {
  const decode = typedDecoder<V1Node>({ model: 'V1Node', apiVersion: 'v1', kind: 'Node' });

  it('turns a watched (plain JSON) object into the model a list returns', () => {
    const watched = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', creationTimestamp: '2026-01-01T00:00:00Z' },
      spec: { podCIDR: '10.244.1.0/24' },
    } as unknown as V1Node;
    const node = decode(watched);
    expect(node).toBeInstanceOf(V1Node);
    expect(node.metadata?.creationTimestamp).toEqual(new Date('2026-01-01T00:00:00Z'));
    expect(node.spec?.podCIDR).toBe('10.244.1.0/24');
  });

  it('leaves a listed model as it is but fills in the kind a real API server omits on list items', () => {
    const listed = new V1Node();
    listed.metadata = { name: 'n1' };
    const node = decode(listed);
    expect(node).toBe(listed);
    expect([node.apiVersion, node.kind]).toEqual(['v1', 'Node']);
  });
});
