import type { CoreV1Api, V1Node, V1Service } from '@kubernetes/client-node';

export interface DemoNode {
  readonly nodeName: string;
  readonly providerId: string;
  readonly internalIp: string;
  readonly podCidr: string;
  readonly zone: string;
}

/** A node as kubelet registers it on a cloud without a route controller yet: its network is not ready. */
export function demoNodeObject(node: DemoNode, now: Date): V1Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.nodeName,
      labels: {
        'kubernetes.io/hostname': node.nodeName,
        'kubernetes.io/os': 'linux',
        'topology.kubernetes.io/zone': node.zone,
      },
    },
    spec: { providerID: node.providerId, podCIDR: node.podCidr, podCIDRs: [node.podCidr] },
    status: {
      addresses: [
        { type: 'InternalIP', address: node.internalIp },
        { type: 'Hostname', address: node.nodeName },
      ],
      conditions: [
        {
          type: 'NetworkUnavailable',
          status: 'True',
          reason: 'NoRouteCreated',
          message: 'Node created without a route',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    },
  };
}

export function demoServiceObject(): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      type: 'LoadBalancer',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }],
    },
  };
}

/** Creates the demo's nodes (status written through the status subresource, as kubelet does) and Service. */
export async function seedCluster(core: CoreV1Api, nodes: readonly DemoNode[]): Promise<void> {
  for (const node of nodes) {
    const object = demoNodeObject(node, new Date());
    const created = await core.createNode({ body: object });
    await core.replaceNodeStatus({ name: node.nodeName, body: { ...created, status: object.status } });
  }
  await core.createNamespacedService({ namespace: 'default', body: demoServiceObject() });
}
