/**
 * A plan is JSON-safe data: `skyway plan` prints it, tests compare it, and apply executes it. An empty plan means
 * no cloud write at all.
 */
export type Action<D, O> =
  | { readonly op: 'create'; readonly id: string; readonly desired: D }
  | {
      readonly op: 'update';
      readonly id: string;
      readonly desired: D;
      readonly observed: O;
      readonly changes: readonly string[];
    }
  | {
      readonly op: 'replace';
      readonly id: string;
      readonly desired: D;
      readonly observed: O;
      readonly reason: string;
    }
  | { readonly op: 'delete'; readonly id: string; readonly observed: O };

export interface Plan<D = unknown, O = unknown> {
  /** Which controller and resource type the actions belong to: `routes`, `service/default/web`. */
  readonly scope: string;
  readonly actions: readonly Action<D, O>[];
  /** Things the plan refuses to touch (foreign routes on our CIDRs, …), reported as Warning Events. */
  readonly conflicts: readonly PlanConflict[];
}

export interface PlanConflict {
  readonly id: string;
  /** The Kubernetes object the conflict concerns, `namespace/name` or a node name. */
  readonly object: string;
  readonly message: string;
}

export function emptyPlan(scope: string): Plan<never, never> {
  return { scope, actions: [], conflicts: [] };
}

/** One line per action, for `skyway plan` tables and logs. */
export function describeAction(action: Action<unknown, unknown>): string {
  switch (action.op) {
    case 'create':
      return `create ${action.id}`;
    case 'update':
      return `update ${action.id} (${action.changes.join(', ')})`;
    case 'replace':
      return `replace ${action.id} (${action.reason})`;
    case 'delete':
      return `delete ${action.id}`;
  }
}
