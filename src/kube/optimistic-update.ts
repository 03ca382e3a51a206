import { isConflict } from './api-errors.js';
import { ConflictRetriesExhaustedError } from './errors.js';

export interface OptimisticUpdateOptions<T> {
  /** What is being written, for the error message: `service default/web status`. Default `object`. */
  readonly description?: string;
  readonly read: () => Promise<T>;
  /**
   * Returns the object to write, or undefined when nothing needs to change. It may modify and return its argument
   * (every attempt reads afresh). A result equal to what was read counts as no change.
   */
  readonly mutate: (current: T) => T | undefined;
  /** Writes with the read object's resourceVersion, so that a concurrent change fails with 409 Conflict. */
  readonly write: (next: T) => Promise<T>;
  /** Writes tried before giving up with ConflictRetriesExhaustedError. Default 5. */
  readonly maxAttempts?: number;
}

export interface OptimisticUpdateResult<T> {
  /** What the server returned for the write, or the object as read when nothing was written. */
  readonly object: T;
  readonly written: boolean;
}

/**
 * Read, mutate, write with the read resourceVersion; on 409 read again and re-apply the mutation (client-go's
 * RetryOnConflict). Any other error is thrown at once. Writes nothing when the mutation changes nothing.
 */
export async function optimisticUpdate<T>(
  options: OptimisticUpdateOptions<T>,
): Promise<OptimisticUpdateResult<T>> {
  const maxAttempts = options.maxAttempts ?? 5;
  let lastConflict: unknown;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const current = await options.read();
    const before = JSON.stringify(current);
    const next = options.mutate(current);
    if (next === undefined || JSON.stringify(next) === before) return { object: current, written: false };
    try {
      return { object: await options.write(next), written: true };
    } catch (error) {
      if (!isConflict(error)) throw error;
      lastConflict = error;
    }
  }
  throw new ConflictRetriesExhaustedError(options.description ?? 'object', maxAttempts, lastConflict);
}
