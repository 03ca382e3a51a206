/** What a controller knows about the cloud machine behind a Node, whatever the cloud. */
export interface NodeIdentity {
  readonly nodeName: string;
  /** `spec.providerID`, e.g. `aws:///us-east-1a/i-0abc` or `gce://project/zone/name`; empty when not set yet. */
  readonly providerId: string;
}

export interface CloudInstance {
  /** The cloud's id: `i-0abc…` on AWS, `zones/<zone>/instances/<name>` on GCP. */
  readonly id: string;
  readonly nodeName: string;
  readonly zone: string;
  /** The interface routes should target: the primary ENI on AWS, the nic0 network on GCP. */
  readonly primaryInterfaceId: string;
  /** The VPC (AWS) or network (GCP) the instance sits in. */
  readonly network: string;
  readonly privateIps: readonly string[];
  /** Whether the instance may forward packets not addressed to it (SourceDestCheck off / canIpForward). */
  readonly canForward: boolean;
  /** Whether the instance carries this cluster's ownership tag, so its routes may be garbage collected. */
  readonly clusterOwned: boolean;
  readonly state: 'running' | 'pending' | 'stopped' | 'terminated' | 'other';
}

export interface ForwardingStatus {
  readonly instanceId: string;
  readonly canForward: boolean;
  /** True when this call changed the setting (AWS); GCP can only report. */
  readonly changed: boolean;
}
