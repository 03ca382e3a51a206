/** No usable Kubernetes client configuration: the message lists every source that was tried and why it failed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * An optimistic-concurrency write that kept hitting 409 Conflict: someone else writes the same object faster
 * than we can re-read it. Worth retrying later (the work queue's backoff), not at once.
 */
export class ConflictRetriesExhaustedError extends Error {
  override readonly name = 'ConflictRetriesExhaustedError';
  readonly attempts: number;
  constructor(what: string, attempts: number, cause: unknown) {
    super(`${what}: still conflicting after ${attempts} attempts`, { cause });
    this.attempts = attempts;
  }
}
