/** One pod CIDR that must reach one node's instance. */
export interface DesiredRoute {
  readonly nodeName: string;
  readonly destinationCidr: string;
  readonly family: 'ipv4' | 'ipv6';
  readonly instanceId: string;
  readonly interfaceId: string;
}

export type RouteTargetKind = 'instance' | 'networkInterface' | 'gateway' | 'blackhole' | 'other';

/** A route as the cloud reports it, inside the cluster CIDRs of one route table (AWS) or network (GCP). */
export interface ObservedRoute {
  /** The route table (AWS) or the route's own name (GCP). */
  readonly table: string;
  readonly destinationCidr: string;
  readonly targetKind: RouteTargetKind;
  readonly targetId: string;
  /** Proven ours (see DESIGN.md, Conventions: ownership); anything else is foreign and is never changed. */
  readonly owned: boolean;
}

export interface ObservedRoutes {
  readonly tables: readonly string[];
  readonly routes: readonly ObservedRoute[];
}
