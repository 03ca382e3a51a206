import type { Route } from '@aws-sdk/client-ec2';
import type { RouteTargetKind } from '../../src/model/route.js';

/** Where one EC2 route entry sends traffic, before ownership is known. */
export interface RouteTarget {
  readonly kind: RouteTargetKind;
  /** The ENI for an interface route, the instance for an instance route, the gateway… id otherwise. */
  readonly id: string;
  /** The instance id when the route names one (AWS names it next to the ENI; moto only when created by it). */
  readonly instanceId?: string;
  /** The ENI when the route names one. */
  readonly interfaceId?: string;
}

/** The route's destination, IPv4 or IPv6; undefined for a prefix-list destination. */
export function routeDestination(route: Route): string | undefined {
  return route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? undefined;
}

/**
 * Classifies a route entry. An ENI wins over an instance id when AWS reports both, because Skyway creates routes
 * by ENI and compares ENIs; moto reports only the key the route was created with.
 */
export function routeTarget(route: Route): RouteTarget {
  const instanceId = route.InstanceId || undefined;
  const interfaceId = route.NetworkInterfaceId || undefined;
  const ids = {
    ...(instanceId ? { instanceId } : {}),
    ...(interfaceId ? { interfaceId } : {}),
  };
  if (route.State === 'blackhole') {
    return {
      kind: 'blackhole',
      id: interfaceId ?? instanceId ?? firstOf(route, [...GATEWAYS, ...OTHERS]),
      ...ids,
    };
  }
  if (interfaceId) return { kind: 'networkInterface', id: interfaceId, ...ids };
  if (instanceId) return { kind: 'instance', id: instanceId, ...ids };
  const gateway = firstOf(route, GATEWAYS);
  return gateway ? { kind: 'gateway', id: gateway } : { kind: 'other', id: firstOf(route, OTHERS) };
}

/** Targets that are gateways of some kind (`local` included); all foreign to Skyway. */
const GATEWAYS = [
  'GatewayId',
  'NatGatewayId',
  'TransitGatewayId',
  'EgressOnlyInternetGatewayId',
  'LocalGatewayId',
  'CarrierGatewayId',
] as const satisfies readonly (keyof Route)[];
const OTHERS = [
  'VpcPeeringConnectionId',
  'CoreNetworkArn',
  'OdbNetworkArn',
] as const satisfies readonly (keyof Route)[];

function firstOf(route: Route, keys: readonly (keyof Route)[]): string {
  for (const key of keys) {
    const value = route[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}
