/**
 * Deterministic names for the ELBv2 and EC2 resources of a load-balancer stack. ELBv2 limits load-balancer and
 * target-group names to 32 characters of `[a-zA-Z0-9-]`, with no hyphen at either end, and a load balancer's name
 * may not begin with `internal-`. Each name is a readable prefix (cut to fit) plus a hash, so two long names that
 * share a prefix never collide, and a Service re-created under the same name (a new UID) gets new names while its
 * predecessor may still be deleting.
 */
import { createHash } from 'node:crypto';

/** ELBv2's limit for load-balancer and target-group names. */
export const MAX_ELB_NAME_LENGTH = 32;
/** Hex digits of SHA-256 kept in a name: 40 bits, so a collision needs about a million stacks. */
const HASH_LENGTH = 10;

export function shortHash(...parts: readonly string[]): string {
  // The separator cannot appear in a Kubernetes name, so ('a-b','c') and ('a','b-c') hash differently.
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, HASH_LENGTH);
}

/** Lower-case letters, digits and single inner hyphens: what survives in a readable prefix. */
function sanitize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '')
    .replace(/-+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Cuts `text` to `length` characters without leaving a hyphen at the end. */
function cut(text: string, length: number): string {
  return text.slice(0, Math.max(0, length)).replace(/-+$/, '');
}

/**
 * Joins readable segments and a hash within 32 characters. The room left by the hash is shared out one character
 * at a time, so a short segment leaves its unused share to the others (`default/my-very-long-service-name` keeps
 * most of the name).
 */
function boundedName(segments: readonly string[], hash: string): string {
  const clean = segments.map(sanitize).filter((segment) => segment !== '');
  const lengths = clean.map(() => 0);
  let room = MAX_ELB_NAME_LENGTH - hash.length - clean.length; // one hyphen after each segment
  while (room > 0 && clean.some((segment, index) => (lengths[index] ?? 0) < segment.length)) {
    for (const [index, segment] of clean.entries()) {
      const length = lengths[index] ?? 0;
      if (room > 0 && length < segment.length) {
        lengths[index] = length + 1;
        room -= 1;
      }
    }
  }
  const kept = clean
    .map((segment, index) => cut(segment, lengths[index] ?? 0))
    .filter((piece) => piece !== '');
  const name = [...kept, hash].join('-');
  // `internal-` is the prefix AWS gives internal load balancers' DNS names; the API refuses names that start so.
  return name.startsWith('internal-') ? boundedName([`k${clean[0] ?? ''}`, ...clean.slice(1)], hash) : name;
}

/** The load balancer of a Service: `<namespace>-<name>-<hash of the UID>`, at most 32 characters. */
export function nlbName(namespace: string, name: string, uid: string): string {
  return boundedName([namespace, name], shortHash('nlb', uid));
}

/**
 * A target group of a load balancer, one per target protocol and NodePort (both are fixed once a target group
 * exists). Derived from the load balancer's name, which already carries the UID's hash.
 */
export function targetGroupName(loadBalancerName: string, protocol: string, nodePort: number): string {
  const stem = loadBalancerName.split('-').slice(0, -1).join('-');
  return boundedName(
    [stem, `${protocol}${nodePort}`],
    shortHash('tg', loadBalancerName, protocol, String(nodePort)),
  );
}

/** The load balancer's own security group (group names are unique per VPC, up to 255 characters). */
export function securityGroupName(loadBalancerName: string): string {
  return `skyway-${loadBalancerName}`;
}

/** Whether ELBv2 accepts `name` as a load-balancer name (moto does not check; AWS does). */
export function isValidElbName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= MAX_ELB_NAME_LENGTH &&
    /^[a-zA-Z0-9-]+$/.test(name) &&
    !name.startsWith('-') &&
    !name.endsWith('-') &&
    !name.startsWith('internal-')
  );
}
