/**
 * controller-runtime's contract. A request is only a key; the reconcile reads the current state itself, so it
 * never trusts the event that caused it (level-triggered).
 */
export interface Reconciler {
  /** The `controller` label of metrics and logs: `routes`, `services`. */
  readonly name: string;
  /**
   * Makes the world match the objects behind `key`. Throw to retry with backoff; throw TerminalError when only
   * a change of the input can help (no retry). `signal` aborts when the controller stops and its drain times out.
   */
  reconcile(key: string, signal: AbortSignal): Promise<Result>;
  /**
   * Keys to re-add on start and at every resync, instead of the keys of the watched caches' objects: for keys
   * no cached object names any more (a cloud stack whose Service is gone) or one key for everything (`routes`).
   */
  resyncKeys?(): readonly string[] | Promise<readonly string[]>;
}

export interface Result {
  /** Reconcile the key again after this long even if nothing changes (polling a cloud operation). */
  readonly requeueAfterMs?: number;
}

/** The `result` label of `skyway_reconcile_total`. */
export type ReconcileOutcome = 'success' | 'requeue' | 'error' | 'terminal';
