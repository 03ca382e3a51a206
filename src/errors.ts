/**
 * The two error families of DESIGN.md. A reconcile that throws TerminalError is not retried (the input must
 * change first); a CloudError is classified once, from structured fields, by the provider that caught it.
 */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
  /** The field that is wrong, as a user would write it: `metadata.annotations[skyway.dev/scheme]`. */
  readonly field: string;
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
  }
}

export type CloudErrorKind = 'throttled' | 'notFound' | 'conflict' | 'invalid' | 'denied' | 'transient';

export class CloudError extends Error {
  override readonly name = 'CloudError';
  readonly kind: CloudErrorKind;
  /** The provider's own code (`RouteAlreadyExists`, `notFound`), for logs and Events. */
  readonly code: string;
  readonly provider: string;
  readonly operation: string;
  constructor(options: {
    readonly kind: CloudErrorKind;
    readonly code: string;
    readonly provider: string;
    readonly operation: string;
    readonly message: string;
    readonly cause?: unknown;
  }) {
    super(`${options.provider} ${options.operation}: ${options.code}: ${options.message}`, {
      cause: options.cause,
    });
    this.kind = options.kind;
    this.code = options.code;
    this.provider = options.provider;
    this.operation = options.operation;
  }

  /** Worth retrying with backoff (as opposed to waiting for the input or the cloud account to change). */
  get retryable(): boolean {
    return this.kind === 'throttled' || this.kind === 'transient' || this.kind === 'conflict';
  }
}

/** Missing or unusable cloud credentials: reported as one clear line, never as a stack trace. */
export class CredentialsError extends Error {
  override readonly name = 'CredentialsError';
}

export function isTerminal(error: unknown): error is TerminalError {
  return error instanceof TerminalError;
}

/** The message of anything thrown, for Events, logs and one-line CLI errors. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
