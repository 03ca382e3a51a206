import {
  type CoreV1Api,
  PatchStrategy,
  setHeaderOptions,
  type V1Node,
  type V1NodeCondition,
} from '@kubernetes/client-node';

export interface NodeConditionUpdate {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason: string;
  readonly message: string;
}

/** Whether the node (as cached) already carries this condition with the same status and reason. */
export function hasCondition(node: V1Node, update: NodeConditionUpdate): boolean {
  const current = node.status?.conditions?.find((condition) => condition.type === update.type);
  return current?.status === update.status && current.reason === update.reason;
}

/**
 * Sets one condition with a strategic merge patch on `status.conditions` (merge key `type`), as the upstream
 * route controller does: kubelet owns the other conditions and keeps writing them, so a full-object PUT would
 * race with it and could drop fields this client's model does not know. lastTransitionTime changes only when the
 * status does.
 */
export async function setNodeCondition(
  core: CoreV1Api,
  node: V1Node,
  update: NodeConditionUpdate,
  now: Date,
): Promise<void> {
  const current = node.status?.conditions?.find((condition) => condition.type === update.type);
  const transitioned = current?.status !== update.status;
  const condition: V1NodeCondition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    lastHeartbeatTime: now,
    lastTransitionTime: transitioned || !current?.lastTransitionTime ? now : current.lastTransitionTime,
  };
  await core.patchNodeStatus(
    { name: node.metadata?.name ?? '', body: { status: { conditions: [condition] } } },
    setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
  );
}
