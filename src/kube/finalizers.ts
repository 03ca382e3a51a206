import {
  type CoreV1Api,
  type KubernetesObject,
  PatchStrategy,
  setHeaderOptions,
} from '@kubernetes/client-node';
import { isNotFound } from './api-errors.js';
import { optimisticUpdate } from './optimistic-update.js';

/** The one object whose finalizers are edited, and how to read and patch it. */
export interface FinalizerTarget {
  /** For error messages: `service default/web`. */
  readonly description: string;
  read(): Promise<KubernetesObject>;
  /**
   * Merge-patches `metadata`. The patch carries the read resourceVersion, which the API server checks as a
   * precondition (409 when stale): a merge patch replaces the whole finalizers list, so without it a concurrent
   * change by another controller would be lost.
   */
  patchMetadata(metadata: {
    readonly finalizers: string[];
    readonly resourceVersion?: string;
  }): Promise<KubernetesObject>;
}

export interface FinalizerOptions {
  /** Writes tried on 409 before giving up. Default 5. */
  readonly maxAttempts?: number;
}

export function serviceFinalizerTarget(
  core: CoreV1Api,
  service: { readonly namespace: string; readonly name: string },
): FinalizerTarget {
  const { namespace, name } = service;
  const mergePatch = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  return {
    description: `service ${namespace}/${name}`,
    read: () => core.readNamespacedService({ namespace, name }),
    patchMetadata: (metadata) =>
      core.patchNamespacedService({ namespace, name, body: { metadata } }, mergePatch),
  };
}

/** Adds `finalizer` unless it is already there. Resolves true when it wrote. */
export async function addFinalizer(
  target: FinalizerTarget,
  finalizer: string,
  options: FinalizerOptions = {},
): Promise<boolean> {
  return editFinalizers(target, options, (finalizers) =>
    finalizers.includes(finalizer) ? undefined : [...finalizers, finalizer],
  );
}

/** Removes `finalizer` if present; an object that is already gone counts as done. Resolves true when it wrote. */
export async function removeFinalizer(
  target: FinalizerTarget,
  finalizer: string,
  options: FinalizerOptions = {},
): Promise<boolean> {
  try {
    return await editFinalizers(target, options, (finalizers) =>
      finalizers.includes(finalizer) ? finalizers.filter((f) => f !== finalizer) : undefined,
    );
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

async function editFinalizers(
  target: FinalizerTarget,
  options: FinalizerOptions,
  edit: (finalizers: readonly string[]) => string[] | undefined,
): Promise<boolean> {
  const result = await optimisticUpdate<KubernetesObject>({
    description: `${target.description} finalizers`,
    read: () => target.read(),
    mutate: (object) => {
      const finalizers = edit(object.metadata?.finalizers ?? []);
      if (!finalizers) return undefined;
      return { ...object, metadata: { ...object.metadata, finalizers } };
    },
    write: (object) =>
      target.patchMetadata({
        finalizers: object.metadata?.finalizers ?? [],
        resourceVersion: object.metadata?.resourceVersion,
      }),
    maxAttempts: options.maxAttempts,
  });
  return result.written;
}
