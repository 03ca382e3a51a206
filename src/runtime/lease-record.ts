import { type V1Lease, type V1LeaseSpec, V1MicroTime } from '@kubernetes/client-node';

/** What leader election reads from and writes to a Lease's spec (client-go's LeaderElectionRecord). */
export interface LeaseRecord {
  /** Empty when nobody holds the lease (released): any candidate may take it at once. */
  readonly holderIdentity: string;
  readonly leaseDurationSeconds: number;
  /** MicroTime strings, RFC 3339 with microseconds: `2026-11-25T10:00:00.123456Z`. */
  readonly acquireTime: string;
  readonly renewTime: string;
  readonly leaseTransitions: number;
}

/**
 * A MicroTime string: RFC 3339 with six fractional digits, the format kube-apiserver parses (client-node's
 * V1MicroTime; a plain Date would be sent with three).
 */
export function formatMicroTime(ms: number): string {
  return new V1MicroTime(ms).toISOString();
}

/** A MicroTime as read back: client-node leaves it as the server's string (it has no deserialiser for it). */
function microTimeString(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return typeof value === 'string' ? value : '';
}

export function recordFromLease(lease: V1Lease): LeaseRecord {
  const spec = lease.spec ?? {};
  return {
    holderIdentity: spec.holderIdentity ?? '',
    leaseDurationSeconds: spec.leaseDurationSeconds ?? 0,
    acquireTime: microTimeString(spec.acquireTime),
    renewTime: microTimeString(spec.renewTime),
    leaseTransitions: spec.leaseTransitions ?? 0,
  };
}

export function specFromRecord(record: LeaseRecord): V1LeaseSpec {
  return {
    holderIdentity: record.holderIdentity,
    leaseDurationSeconds: record.leaseDurationSeconds,
    // client-node types these as V1MicroTime but sends whatever it is given as is (it has no serialiser for the
    // type); strings keep the microseconds other writers put there, which a Date would round away.
    acquireTime: record.acquireTime as unknown as V1MicroTime,
    renewTime: record.renewTime as unknown as V1MicroTime,
    leaseTransitions: record.leaseTransitions,
  };
}

/** Compares records the way client-go compares raw records: any field changing counts as a change. */
export function sameRecord(a: LeaseRecord | undefined, b: LeaseRecord): boolean {
  return (
    a !== undefined &&
    a.holderIdentity === b.holderIdentity &&
    a.leaseDurationSeconds === b.leaseDurationSeconds &&
    a.acquireTime === b.acquireTime &&
    a.renewTime === b.renewTime &&
    a.leaseTransitions === b.leaseTransitions
  );
}
