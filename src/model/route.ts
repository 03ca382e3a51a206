/** One pod CIDR that must reach one node's instance. */
export interface DesiredRoute {
  readonly nodeName: string;
  readonly destinationCidr: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly instanceId: string;
  /** The interface routes target: the primary ENI on AWS (CreateRoute by instance fails on multi-ENI instances). */
  readonly interfaceId: string;
  /** The VPC (AWS) or network (GCP) of the instance: a route table of another network never gets this route. */
  readonly network: string;
  /** Whether the instance carries the cluster tag; if not, the route cannot later be proven ours and cleaned up. */
  readonly clusterOwned: boolean;
}

export type RouteTargetKind = 'instance' | 'networkInterface' | 'gateway' | 'blackhole' | 'other';

/** A route as the cloud reports it, inside the cluster CIDRs of one route table (AWS) or network (GCP). */
export interface ObservedRoute {
  /** The route table (AWS) or the route's own name (GCP). */
  readonly table: string;
  readonly destinationCidr: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly targetKind: RouteTargetKind;
  /** The instance id, ENI id, gateway id… as the cloud reports it; empty for a blackhole with no target left. */
  readonly targetId: string;
  /** The instance behind the target when known (an ENI's attachment), for comparing with a desired route. */
  readonly targetInstanceId?: string;
  /** Proven ours (DESIGN.md, Conventions: ownership); anything else is foreign and is never changed. */
  readonly owned: boolean;
}

export interface ObservedRouteTable {
  readonly id: string;
  /** The VPC (AWS) or network (GCP) the table routes for. */
  readonly network: string;
}

export interface ObservedRoutes {
  readonly tables: readonly ObservedRouteTable[];
  /** Only routes whose destination lies inside the cluster CIDRs. */
  readonly routes: readonly ObservedRoute[];
}
