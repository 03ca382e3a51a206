import type { StackId } from './stack.js';

export type L4Protocol = 'TCP' | 'UDP' | 'TCP_UDP';

export interface L4Port {
  /** The Service port name, or its number as text when unnamed. */
  readonly name: string;
  readonly protocol: L4Protocol;
  readonly port: number;
  readonly nodePort: number;
}

export interface HealthCheck {
  readonly protocol: 'HTTP' | 'HTTPS' | 'TCP';
  readonly port: number;
  readonly path?: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
}

/** A cloud-neutral L4 load balancer for one Service of type LoadBalancer. */
export interface L4LoadBalancer {
  readonly stack: StackId;
  /** Deterministic cloud name (hash of the object's UID), stable across restarts. */
  readonly name: string;
  readonly scheme: 'internet-facing' | 'internal';
  readonly ipFamilies: readonly ('IPv4' | 'IPv6')[];
  readonly ports: readonly L4Port[];
  /** Instance ids of the nodes that receive traffic. */
  readonly targets: readonly string[];
  readonly healthCheck: HealthCheck;
  /** CIDRs allowed to reach the listeners; empty means everyone. */
  readonly sourceRanges: readonly string[];
  /** Subnets (AWS) or subnetwork (GCP) named by annotation; empty means discover. */
  readonly subnets: readonly string[];
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
