import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { ConflictRetriesExhaustedError } from '../../../src/kube/errors.js';
import { optimisticUpdate } from '../../../src/kube/optimistic-update.js';

interface Doc {
  resourceVersion: number;
  labels: Record<string, string>;
}

/** A one-object store with resourceVersion preconditions, like the API server's. */
function store(initial: Doc) {
  let current = structuredClone(initial);
  const calls = { reads: 0, writes: 0 };
  return {
    calls,
    get: () => current,
    /** Someone else's write. */
    bump(label: string) {
      current = { resourceVersion: current.resourceVersion + 1, labels: { ...current.labels, [label]: 'x' } };
    },
    read: async () => {
      calls.reads += 1;
      return structuredClone(current);
    },
    write: async (next: Doc) => {
      calls.writes += 1;
      if (next.resourceVersion !== current.resourceVersion) throw new ApiException(409, 'Conflict', '{}', {});
      current = { ...next, resourceVersion: current.resourceVersion + 1 };
      return structuredClone(current);
    },
  };
}

describe('optimisticUpdate', () => {
  it('re-reads on 409 and applies the change to the fresh object', async () => {
    const s = store({ resourceVersion: 1, labels: {} });
    let first = true;
    const result = await optimisticUpdate<Doc>({
      read: s.read,
      write: s.write,
      mutate: (doc) => {
        if (first) {
          s.bump('theirs');
          first = false;
        }
        doc.labels.ours = 'y';
        return doc;
      },
    });
    expect(result.written).toBe(true);
    expect(s.get().labels).toEqual({ theirs: 'x', ours: 'y' });
    expect(s.calls).toEqual({ reads: 2, writes: 2 });
  });

  it('gives up after maxAttempts conflicting writes', async () => {
    const s = store({ resourceVersion: 1, labels: {} });
    const attempt = optimisticUpdate<Doc>({
      description: 'doc d',
      read: s.read,
      write: s.write,
      mutate: (doc) => {
        s.bump('theirs');
        doc.labels.ours = 'y';
        return doc;
      },
      maxAttempts: 3,
    });
    await expect(attempt).rejects.toBeInstanceOf(ConflictRetriesExhaustedError);
    await expect(attempt).rejects.toThrow('doc d: still conflicting after 3 attempts');
    expect(s.calls.writes).toBe(3);
  });

  it('writes nothing when mutate returns undefined or an unchanged object', async () => {
    const s = store({ resourceVersion: 1, labels: { a: 'b' } });
    expect(
      (await optimisticUpdate<Doc>({ read: s.read, write: s.write, mutate: () => undefined })).written,
    ).toBe(false);
    const same = await optimisticUpdate<Doc>({
      read: s.read,
      write: s.write,
      mutate: (doc) => {
        doc.labels.a = 'b';
        return doc;
      },
    });
    expect(same).toEqual({ object: s.get(), written: false });
    expect(s.calls.writes).toBe(0);
  });

  it('throws other errors at once', async () => {
    const s = store({ resourceVersion: 1, labels: {} });
    const failing = optimisticUpdate<Doc>({
      read: s.read,
      write: async () => {
        throw new ApiException(422, 'Invalid', '{}', {});
      },
      mutate: (doc) => ({ ...doc, labels: { x: 'y' } }),
    });
    await expect(failing).rejects.toMatchObject({ code: 422 });
    expect(s.calls.reads).toBe(1);
  });
});
