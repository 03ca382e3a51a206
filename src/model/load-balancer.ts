import type { StackId } from './stack.js';

export type L4Protocol = 'TCP' | 'UDP' | 'TCP_UDP' | 'TLS';

export interface L4Port {
  /** The Service port name, or its number as text when unnamed. */
  readonly name: string;
  /** TLS when the port is listed in the ssl-ports annotation (the NLB terminates TLS; targets get TCP). */
  readonly protocol: L4Protocol;
  readonly port: number;
  readonly nodePort: number;
}

export interface HealthCheck {
  readonly protocol: 'HTTP' | 'HTTPS' | 'TCP';
  /** A port number, or `traffic-port` (the target's own NodePort). */
  readonly port: number | 'traffic-port';
  readonly path?: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** A cloud-neutral L4 load balancer for one Service of type LoadBalancer. */
export interface L4LoadBalancer {
  readonly stack: StackId;
  /** Deterministic cloud name (≤ 32 characters on AWS; a hash of the object's UID), stable across restarts. */
  readonly name: string;
  readonly scheme: 'internet-facing' | 'internal';
  readonly ipAddressType: 'ipv4' | 'dualstack';
  readonly ports: readonly L4Port[];
  /** Instance ids of the nodes that receive traffic (the stable load-balancer node set). */
  readonly targets: readonly string[];
  readonly healthCheck: HealthCheck;
  /** CIDRs allowed to reach the listeners; empty means everyone (0.0.0.0/0, and ::/0 when dualstack). */
  readonly sourceRanges: readonly string[];
  /** Subnet ids or Name tags named by annotation; empty means discover by role and cluster tags. */
  readonly subnets: readonly string[];
  /** Elastic IP allocations (internet-facing) or private IPv4 addresses (internal), one per subnet. */
  readonly eipAllocations: readonly string[];
  readonly privateIpv4Addresses: readonly string[];
  readonly crossZone: boolean | undefined;
  readonly proxyProtocol: boolean;
  /** The certificate for TLS ports (a port is TLS when `protocol` is TLS). */
  readonly certificateArn: string | undefined;
  /** Extra target-group attributes (`deregistration_delay.timeout_seconds=30`, …). */
  readonly targetGroupAttributes: Readonly<Record<string, string>>;
  /** Additional tags from the annotation; the ownership tags are added by the provider. */
  readonly tags: Readonly<Record<string, string>>;
}

export interface L7Rule {
  readonly host?: string;
  readonly path: string;
  readonly pathType: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  readonly backend: { readonly serviceName: string; readonly servicePort: number; readonly nodePort: number };
}

/** A cloud-neutral L7 load balancer for one Ingress (or ingress group). */
export interface L7LoadBalancer {
  readonly stack: StackId;
  readonly name: string;
  readonly scheme: 'internet-facing' | 'internal';
  readonly rules: readonly L7Rule[];
  readonly defaultBackend?: L7Rule['backend'];
  readonly tls: readonly { readonly hosts: readonly string[]; readonly certificate: string }[];
  readonly targets: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** What is written to `status.loadBalancer` of a Service or an Ingress. */
export interface LoadBalancerStatus {
  readonly ingress: readonly {
    readonly ip?: string;
    readonly hostname?: string;
    readonly ipMode?: 'VIP' | 'Proxy';
  }[];
}
