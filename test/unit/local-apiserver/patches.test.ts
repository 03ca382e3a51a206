import { describe, expect, it } from 'vitest';
import { applyJsonPatch, JsonPatchError } from '../../../src/local/apiserver/json-patch.js';
import { applyMergePatch } from '../../../src/local/apiserver/merge-patch.js';
import { patchSchemaFor } from '../../../src/local/apiserver/patch-schema.js';
import {
  applyStrategicMergePatch,
  StrategicPatchError,
} from '../../../src/local/apiserver/strategic-merge-patch.js';

describe('JSON merge patch (RFC 7386)', () => {
  it('follows the RFC examples', () => {
    const target = {
      title: 'Goodbye!',
      author: { givenName: 'John', familyName: 'Doe' },
      tags: ['example', 'sample'],
    };
    const patch = {
      title: 'Hello!',
      phoneNumber: '+01-123-456-7890',
      author: { familyName: null },
      tags: ['example'],
    };
    expect(applyMergePatch(target, patch)).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      phoneNumber: '+01-123-456-7890',
    });
    expect(applyMergePatch({ a: 'b' }, { a: { bb: { c: null } } })).toEqual({ a: { bb: {} } });
    expect(applyMergePatch({ a: 'foo' }, 'bar')).toBe('bar');
  });

  it('does not modify its input', () => {
    const target = { a: { b: 1 } };
    applyMergePatch(target, { a: { b: 2 } });
    expect(target).toEqual({ a: { b: 1 } });
  });
});

describe('JSON patch (RFC 6902)', () => {
  const doc = { metadata: { finalizers: ['a', 'b'], labels: { 'x/y': '1' } } };

  it('adds, removes, replaces, moves, copies and tests', () => {
    expect(
      applyJsonPatch(doc, [
        { op: 'test', path: '/metadata/finalizers/0', value: 'a' },
        { op: 'remove', path: '/metadata/finalizers/0' },
        { op: 'add', path: '/metadata/finalizers/-', value: 'c' },
        { op: 'replace', path: '/metadata/labels/x~1y', value: '2' },
        { op: 'copy', from: '/metadata/labels', path: '/metadata/annotations' },
        { op: 'move', from: '/metadata/finalizers/1', path: '/metadata/finalizers/0' },
      ]),
    ).toEqual({ metadata: { finalizers: ['c', 'b'], labels: { 'x/y': '2' }, annotations: { 'x/y': '2' } } });
    expect(doc.metadata.finalizers).toEqual(['a', 'b']);
  });

  it('fails a test op or a missing path as not applicable (422), a malformed patch as malformed (400)', () => {
    const failing = () => applyJsonPatch(doc, [{ op: 'test', path: '/metadata/finalizers/0', value: 'z' }]);
    expect(failing).toThrow('testing value /metadata/finalizers/0 failed');
    expect(() => applyJsonPatch(doc, [{ op: 'remove', path: '/spec' }])).toThrow(/doc is missing path/);
    try {
      applyJsonPatch(doc, { op: 'add' });
    } catch (error) {
      expect(error).toBeInstanceOf(JsonPatchError);
      expect((error as JsonPatchError).malformed).toBe(true);
    }
  });
});

describe('strategic merge patch', () => {
  const service = {
    metadata: { finalizers: ['a'], labels: { app: 'web', old: 'x' } },
    spec: {
      ports: [
        { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP' },
        { name: 'https', port: 443, nodePort: 30443, protocol: 'TCP' },
      ],
      externalIPs: ['1.1.1.1', '2.2.2.2'],
    },
    status: { conditions: [{ type: 'A', status: 'True' }] },
  };
  const schema = patchSchemaFor('Service');

  it('merges lists by merge key, keeping server-set fields, and replaces lists without a strategy', () => {
    const result = applyStrategicMergePatch(
      service,
      {
        spec: { ports: [{ port: 80, targetPort: 8080 }], externalIPs: ['3.3.3.3'] },
        metadata: { labels: { old: null } },
      },
      schema,
    );
    expect(result.spec).toEqual({
      ports: [
        { name: 'http', port: 80, nodePort: 30080, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, nodePort: 30443, protocol: 'TCP' },
      ],
      externalIPs: ['3.3.3.3'],
    });
    expect(result.metadata).toEqual({ finalizers: ['a'], labels: { app: 'web' } });
  });

  it('merges finalizers as a set and removes with $deleteFromPrimitiveList', () => {
    // Elements the patch names come in the patch's order; the server's own keep their places.
    expect(
      applyStrategicMergePatch(service, { metadata: { finalizers: ['b', 'a'] } }, schema).metadata,
    ).toMatchObject({
      finalizers: ['b', 'a'],
    });
    expect(
      applyStrategicMergePatch(service, { metadata: { finalizers: ['b'] } }, schema).metadata,
    ).toMatchObject({
      finalizers: ['a', 'b'],
    });
    const removed = applyStrategicMergePatch(
      service,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['a'] } },
      schema,
    );
    expect(removed.metadata).toEqual({ finalizers: [], labels: { app: 'web', old: 'x' } });
  });

  it('honours $patch: delete and replace in lists and maps', () => {
    const deleted = applyStrategicMergePatch(
      service,
      { spec: { ports: [{ port: 443, $patch: 'delete' }] } },
      schema,
    );
    expect((deleted.spec as { ports: unknown[] }).ports).toEqual([service.spec.ports[0]]);
    const replaced = applyStrategicMergePatch(
      service,
      { spec: { ports: [{ $patch: 'replace' }, { port: 8080, name: 'alt' }] } },
      schema,
    );
    expect((replaced.spec as { ports: unknown[] }).ports).toEqual([{ port: 8080, name: 'alt' }]);
    const map = applyStrategicMergePatch(
      service,
      { metadata: { labels: { $patch: 'replace', fresh: 'y' } } },
      schema,
    );
    expect((map.metadata as { labels: unknown }).labels).toEqual({ fresh: 'y' });
  });

  it('orders by $setElementOrder and merges conditions by type', () => {
    const result = applyStrategicMergePatch(
      service,
      {
        spec: { '$setElementOrder/ports': [{ port: 443 }, { port: 80 }] },
        status: {
          conditions: [
            { type: 'B', status: 'False' },
            { type: 'A', status: 'False' },
          ],
        },
      },
      schema,
    );
    expect((result.spec as { ports: { port: number }[] }).ports.map((p) => p.port)).toEqual([443, 80]);
    expect(result.status).toEqual({
      conditions: [
        { type: 'B', status: 'False' },
        { type: 'A', status: 'False' },
      ],
    });
  });

  it('keeps only $retainKeys and rejects list items without their merge key', () => {
    const retained = applyStrategicMergePatch(
      { spec: { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
      { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      schema,
    );
    expect(retained).toEqual({ spec: { strategy: { type: 'Recreate' } } });
    expect(() => applyStrategicMergePatch(service, { spec: { ports: [{ name: 'x' }] } }, schema)).toThrow(
      StrategicPatchError,
    );
  });
});
