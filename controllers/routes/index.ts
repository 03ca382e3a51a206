import type { V1Node } from '@kubernetes/client-node';
import type { ControllerDefinition } from '../../src/app/controller-definition.js';
import { podCidrsOf } from './desired.js';
import { NodeBackoff } from './node-backoff.js';
import { ROUTES_KEY, RoutesReconciler } from './reconciler.js';

/** A burst of node events (a scale-up) becomes one reconcile after this window. */
const COALESCE_MS = 1_000;

/** Only these fields change a node's routes; kubelet's status heartbeats do not. */
function routeInputsChanged(object: V1Node, previous: V1Node): boolean {
  return (
    podCidrsOf(object).join(',') !== podCidrsOf(previous).join(',') ||
    object.spec?.providerID !== previous.spec?.providerID ||
    Boolean(object.metadata?.deletionTimestamp) !== Boolean(previous.metadata?.deletionTimestamp)
  );
}

export interface RoutesControllerOptions {
  /** First delay before a node that hit the route quota is tried again; doubles to 10 min. Default 30 s. */
  readonly quotaBackoffMs?: number;
}

export function createRoutesController(options: RoutesControllerOptions = {}): ControllerDefinition {
  return {
    name: 'routes',
    informs: ['nodes'],
    requires: ['routes', 'instances'],
    create(context) {
      const backoff = new NodeBackoff(
        options.quotaBackoffMs === undefined ? {} : { baseMs: options.quotaBackoffMs },
      );
      const reconciler = new RoutesReconciler(context, { backoff });
      return {
        reconciler,
        watches: [
          {
            cache: 'nodes',
            toKeys: () => [ROUTES_KEY],
            coalesceMs: COALESCE_MS,
            updateMatters: (object, previous) => routeInputsChanged(object as V1Node, previous as V1Node),
          },
        ],
        planAll: async (signal) => [(await reconciler.pass(signal)).plan],
      };
    },
  };
}
