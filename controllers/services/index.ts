import type { V1Node, V1Service } from '@kubernetes/client-node';
import type { ControllerDefinition } from '../../src/app/controller-definition.js';
import { ServicesReconciler, serviceKey } from './reconciler.js';

/** Node churn (a scale-up) reaches the load balancers as one target update per target group per window. */
const NODE_CHURN_COALESCE_MS = 2_000;

/** What decides whether a node is in the load-balancer node set, or which instance it is. */
function nodeSetInputs(node: V1Node): string {
  return JSON.stringify([
    node.spec?.providerID,
    node.metadata?.labels?.['node.kubernetes.io/exclude-from-external-load-balancers'] !== undefined,
    (node.spec?.taints ?? []).some((taint) => taint.key === 'ToBeDeletedByClusterAutoscaler'),
    Boolean(node.metadata?.deletionTimestamp),
  ]);
}

export const servicesController: ControllerDefinition = {
  name: 'services',
  informs: ['services', 'nodes'],
  requires: ['l4', 'instances'],
  create(context) {
    const reconciler = new ServicesReconciler(context);
    const allServiceKeys = () =>
      (context.caches.services?.list() ?? [])
        .filter((service) => service.spec?.type === 'LoadBalancer')
        .map(serviceKey);
    return {
      reconciler,
      watches: [
        {
          cache: 'services',
          toKeys: (service) => [serviceKey(service as V1Service)],
          // Our own status writes come back as updates; only spec, metadata and deletion matter.
          updateMatters: (object, previous) =>
            JSON.stringify([
              (object as V1Service).spec,
              object.metadata?.annotations,
              object.metadata?.deletionTimestamp,
            ]) !==
            JSON.stringify([
              (previous as V1Service).spec,
              previous.metadata?.annotations,
              previous.metadata?.deletionTimestamp,
            ]),
        },
        {
          cache: 'nodes',
          toKeys: allServiceKeys,
          coalesceMs: NODE_CHURN_COALESCE_MS,
          updateMatters: (object, previous) =>
            nodeSetInputs(object as V1Node) !== nodeSetInputs(previous as V1Node),
        },
      ],
      planAll: async (signal) => {
        const plans = [];
        for (const key of await reconciler.resyncKeys())
          plans.push((await reconciler.pass(key, signal)).plan);
        return plans;
      },
    };
  },
};
