import type { CheckResult } from './health.js';

/**
 * Problems that do not make the process unready but that an admin must see in /readyz: a denied or throttled
 * cloud API, no route table found. Each is keyed, so the thing that set it can clear it when it works again.
 */
export class ProblemBoard {
  readonly #problems = new Map<string, { readonly message: string; readonly since: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  report(key: string, message: string): void {
    const existing = this.#problems.get(key);
    this.#problems.set(key, { message, since: existing?.since ?? this.#now() });
  }

  clear(key: string): void {
    this.#problems.delete(key);
  }

  list(): readonly { readonly key: string; readonly message: string; readonly since: number }[] {
    return [...this.#problems].map(([key, problem]) => ({ key, ...problem }));
  }

  check(): CheckResult {
    const problems = this.list();
    if (problems.length === 0) return { ok: true };
    const now = this.#now();
    const detail = problems
      .map(
        (problem) => `${problem.key}: ${problem.message} (for ${Math.round((now - problem.since) / 1000)}s)`,
      )
      .join('; ');
    return { ok: false, detail };
  }
}
