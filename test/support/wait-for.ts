export interface WaitForOptions {
  /** Give up after this long. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Time between checks. Default 20 ms. */
  readonly intervalMs?: number;
  /** Named in the timeout error. */
  readonly description?: string;
}

/**
 * Polls `fn` until it returns a value other than `undefined`/`false` (or stops throwing) and returns that value.
 * On timeout it throws, carrying the last error `fn` threw, so a failing assertion inside shows up as the cause.
 */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, false | undefined>> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const intervalMs = options.intervalMs ?? 20;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== false) return value as Exclude<T, false | undefined>;
      lastError = undefined;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'condition';
      const detail = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`waitFor: ${what} not met within ${timeoutMs} ms${detail}`, { cause: lastError });
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** Retries `assertion` (which throws on failure, e.g. with `expect`) until it passes, like `waitFor`. */
export async function eventually(
  assertion: () => unknown | Promise<unknown>,
  options: WaitForOptions = {},
): Promise<void> {
  await waitFor(async () => {
    await assertion();
    return true;
  }, options);
}
