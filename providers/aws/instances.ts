import {
  type EC2Client,
  ModifyInstanceAttributeCommand,
  ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { CloudError } from '../../src/errors.js';
import type { CloudInstance, ForwardingStatus, NodeIdentity } from '../../src/model/instance.js';
import type { InstanceProvider } from '../provider.js';
import type { InstanceDirectory } from './instance-directory.js';
import {
  canForward,
  cloudInstanceFrom,
  isLive,
  primaryInterface,
  withForwarding,
} from './instance-record.js';
import { parseAwsProviderId } from './provider-id.js';

export interface AwsInstanceProviderOptions {
  readonly ec2: EC2Client;
  readonly directory: InstanceDirectory;
  readonly clusterName: string;
}

/**
 * Node → EC2 instance through `spec.providerID`, or through the private DNS name (the kubelet's default node name
 * on AWS) when a Node has none yet; and source/destination checks turned off so node instances can forward pod
 * traffic.
 */
export function createAwsInstanceProvider(options: AwsInstanceProviderOptions): InstanceProvider {
  const { ec2, directory, clusterName } = options;

  return {
    async resolveInstances(nodes: readonly NodeIdentity[], signal: AbortSignal) {
      const instanceIdOf = new Map<string, string>();
      const byDnsName: string[] = [];
      for (const node of nodes) {
        if (node.providerId === '') {
          byDnsName.push(node.nodeName);
          continue;
        }
        // A providerID of another kind (another cloud, a Fargate pod) is not an instance of ours.
        const parsed = parseAwsProviderId(node.providerId);
        if (parsed.ok) instanceIdOf.set(node.nodeName, parsed.instanceId);
      }
      const [byId, byName] = await Promise.all([
        directory.instances([...instanceIdOf.values()], signal),
        directory.instancesByDnsName(byDnsName, signal),
      ]);
      const resolved = new Map<string, CloudInstance>();
      for (const node of nodes) {
        const instanceId = instanceIdOf.get(node.nodeName);
        const record = instanceId !== undefined ? byId.get(instanceId) : byName.get(node.nodeName);
        if (record && isLive(record))
          resolved.set(node.nodeName, cloudInstanceFrom(record, node.nodeName, clusterName));
      }
      return resolved;
    },

    async ensureForwarding(instance: CloudInstance, signal: AbortSignal): Promise<ForwardingStatus> {
      const record = (await directory.instances([instance.id], signal)).get(instance.id);
      if (!record) {
        throw new CloudError({
          kind: 'notFound',
          code: 'InvalidInstanceID.NotFound',
          provider: 'aws',
          operation: 'ec2:DescribeInstances',
          message: `instance ${instance.id} no longer exists`,
        });
      }
      if (canForward(record)) return { instanceId: record.id, canForward: true, changed: false };
      const primary = primaryInterface(record);
      // ModifyInstanceAttribute refuses an instance with several ENIs; the primary ENI's attribute is the one
      // that matters for pod routes, which target that ENI.
      if (record.interfaces.length > 1 && primary) {
        await ec2.send(
          new ModifyNetworkInterfaceAttributeCommand({
            NetworkInterfaceId: primary.id,
            SourceDestCheck: { Value: false },
          }),
          { abortSignal: signal },
        );
      } else {
        await ec2.send(
          new ModifyInstanceAttributeCommand({ InstanceId: record.id, SourceDestCheck: { Value: false } }),
          { abortSignal: signal },
        );
      }
      directory.update(withForwarding(record));
      return { instanceId: record.id, canForward: true, changed: true };
    },
  };
}
