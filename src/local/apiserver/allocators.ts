/**
 * The service IP and NodePort allocators of kube-apiserver: a value is either free or owned, a requested
 * value must be in range and free, and a dynamic one is picked at random (as the real bitmap allocator
 * does, so clients cannot come to depend on an order).
 */
export type AllocationResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly reason: string };

export class RangeAllocator {
  private readonly used = new Set<number>();
  readonly first: number;
  readonly last: number;
  private readonly describeRange: string;
  private readonly random: () => number;

  constructor(options: { first: number; last: number; describeRange: string; random?: () => number }) {
    this.first = options.first;
    this.last = options.last;
    this.describeRange = options.describeRange;
    this.random = options.random ?? Math.random;
  }

  has(value: number): boolean {
    return this.used.has(value);
  }

  inRange(value: number): boolean {
    return value >= this.first && value <= this.last;
  }

  allocate(value: number): AllocationResult {
    if (!this.inRange(value)) return { ok: false, reason: `not in the valid range. ${this.describeRange}` };
    if (this.used.has(value)) return { ok: false, reason: 'already allocated' };
    this.used.add(value);
    return { ok: true, value };
  }

  allocateNext(): AllocationResult {
    const size = this.last - this.first + 1;
    const start = Math.floor(this.random() * size);
    for (let i = 0; i < size; i++) {
      const value = this.first + ((start + i) % size);
      if (!this.used.has(value)) {
        this.used.add(value);
        return { ok: true, value };
      }
    }
    return { ok: false, reason: 'range is full' };
  }

  release(value: number): void {
    this.used.delete(value);
  }
}

export function ipv4ToNumber(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

export function numberToIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

export const SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_RANGE = { first: 30000, last: 32767 } as const;

export interface ServiceAllocators {
  readonly clusterIps: RangeAllocator;
  readonly nodePorts: RangeAllocator;
}

export function createServiceAllocators(random?: () => number): ServiceAllocators {
  const base = ipv4ToNumber('10.96.0.0')!;
  return {
    // The network and broadcast addresses of 10.96.0.0/12 are never handed out.
    clusterIps: new RangeAllocator({
      first: base + 1,
      last: base + 2 ** 20 - 2,
      describeRange: `The range of valid IPs is ${SERVICE_CIDR}`,
      ...(random ? { random } : {}),
    }),
    nodePorts: new RangeAllocator({
      ...NODE_PORT_RANGE,
      describeRange: `The range of valid ports is ${NODE_PORT_RANGE.first}-${NODE_PORT_RANGE.last}`,
      ...(random ? { random } : {}),
    }),
  };
}
