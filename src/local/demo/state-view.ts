import { DescribeInstancesCommand, DescribeRouteTablesCommand, type EC2Client } from '@aws-sdk/client-ec2';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { CoreV1Api } from '@kubernetes/client-node';

/** What the demo prints: the cloud as the AWS API reports it, and the cluster as the API server reports it. */
export async function describeAwsState(
  ec2: EC2Client,
  elbv2: ElasticLoadBalancingV2Client,
  vpcId: string,
): Promise<string> {
  const lines: string[] = [];
  const tables = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  for (const table of tables.RouteTables ?? []) {
    if (table.Associations?.some((association) => association.Main)) continue;
    lines.push(`  route table ${table.RouteTableId}`);
    for (const route of table.Routes ?? []) {
      const destination = route.DestinationCidrBlock ?? route.DestinationIpv6CidrBlock ?? '?';
      const target =
        route.GatewayId ?? route.NetworkInterfaceId ?? route.InstanceId ?? route.NatGatewayId ?? '?';
      lines.push(`    ${destination.padEnd(20)} -> ${target} (${route.State ?? 'unknown'})`);
    }
  }
  const reservations = await ec2.send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  for (const instance of (reservations.Reservations ?? []).flatMap(
    (reservation) => reservation.Instances ?? [],
  )) {
    const check = instance.SourceDestCheck === false ? 'off' : 'on';
    lines.push(`  instance ${instance.InstanceId} ${instance.PrivateDnsName} source/dest check ${check}`);
  }
  const balancers = await tolerateFailure(() => elbv2.send(new DescribeLoadBalancersCommand({})));
  for (const balancer of balancers?.LoadBalancers ?? []) {
    lines.push(
      `  load balancer ${balancer.LoadBalancerName} ${balancer.Type} ${balancer.DNSName} (${balancer.State?.Code})`,
    );
    const groups = await elbv2.send(
      new DescribeTargetGroupsCommand({ LoadBalancerArn: balancer.LoadBalancerArn }),
    );
    for (const group of groups.TargetGroups ?? []) {
      lines.push(`    target group ${group.TargetGroupName} ${group.Protocol}:${group.Port}`);
    }
  }
  if ((balancers?.LoadBalancers ?? []).length === 0) lines.push('  no load balancers');
  return lines.join('\n');
}

async function tolerateFailure<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch {
    return undefined;
  }
}

export async function describeClusterState(core: CoreV1Api): Promise<string> {
  const lines: string[] = [];
  const nodes = await core.listNode();
  for (const node of nodes.items) {
    const condition = node.status?.conditions?.find((candidate) => candidate.type === 'NetworkUnavailable');
    const network = condition
      ? `NetworkUnavailable=${condition.status} (${condition.reason})`
      : 'no NetworkUnavailable';
    lines.push(`  node ${node.metadata?.name} podCIDR ${node.spec?.podCIDR ?? '-'} ${network}`);
  }
  const services = await core.listServiceForAllNamespaces();
  for (const service of services.items) {
    if (service.spec?.type !== 'LoadBalancer') continue;
    const ingress = service.status?.loadBalancer?.ingress ?? [];
    const address = ingress.map((entry) => entry.hostname ?? entry.ip).join(',') || '<pending>';
    const ports = (service.spec.ports ?? [])
      .map((port) => `${port.port}:${port.nodePort}/${port.protocol}`)
      .join(',');
    lines.push(
      `  service ${service.metadata?.namespace}/${service.metadata?.name} ${ports} external ${address}`,
    );
  }
  return lines.join('\n');
}
