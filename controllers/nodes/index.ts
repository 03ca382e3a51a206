import type { V1Node } from '@kubernetes/client-node';
import type { ControllerDefinition } from '../../src/app/controller-definition.js';
import { ForwardingReconciler, NODES_KEY } from './reconciler.js';

const COALESCE_MS = 1_000;

export const nodesController: ControllerDefinition = {
  name: 'nodes',
  informs: ['nodes'],
  requires: ['instances'],
  create(context) {
    const reconciler = new ForwardingReconciler(context);
    return {
      reconciler,
      watches: [
        {
          cache: 'nodes',
          toKeys: () => [NODES_KEY],
          coalesceMs: COALESCE_MS,
          updateMatters: (object, previous) =>
            (object as V1Node).spec?.providerID !== (previous as V1Node).spec?.providerID,
        },
      ],
      planAll: async (signal) =>
        context.config.manageSourceDestCheck ? [(await reconciler.pass(signal)).plan] : [],
    };
  },
};
