/**
 * Per-node retry delays kept inside the routes reconciler. The work queue backs off per key, and routes have one
 * key for all nodes: a node that hit the route-table quota must wait without holding up the others.
 */
export class NodeBackoff {
  readonly #entries = new Map<string, { readonly until: number; readonly failures: number }>();
  readonly #baseMs: number;
  readonly #maxMs: number;

  constructor(options: { readonly baseMs?: number; readonly maxMs?: number } = {}) {
    this.#baseMs = options.baseMs ?? 30_000;
    this.#maxMs = options.maxMs ?? 600_000;
  }

  /** Records a failure and returns when the node may be tried again. */
  fail(nodeName: string, now: number): number {
    const failures = (this.#entries.get(nodeName)?.failures ?? 0) + 1;
    const until = now + Math.min(this.#maxMs, this.#baseMs * 2 ** (failures - 1));
    this.#entries.set(nodeName, { until, failures });
    return until;
  }

  succeed(nodeName: string): void {
    this.#entries.delete(nodeName);
  }

  isWaiting(nodeName: string, now: number): boolean {
    return (this.#entries.get(nodeName)?.until ?? 0) > now;
  }

  /** Milliseconds until the earliest waiting node may be retried, or undefined when none waits. */
  nextRetryIn(now: number): number | undefined {
    let earliest: number | undefined;
    for (const { until } of this.#entries.values()) {
      if (until > now && (earliest === undefined || until < earliest)) earliest = until;
    }
    return earliest === undefined ? undefined : earliest - now;
  }

  /** Forgets nodes that no longer exist. */
  retain(nodeNames: ReadonlySet<string>): void {
    for (const name of this.#entries.keys()) if (!nodeNames.has(name)) this.#entries.delete(name);
  }
}
