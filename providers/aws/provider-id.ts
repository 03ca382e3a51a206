/** What a Node's `spec.providerID` says about its EC2 instance. */
export type ParsedProviderId =
  | { readonly ok: true; readonly instanceId: string; readonly zone?: string }
  | { readonly ok: false; readonly reason: string };

const PREFIX = 'aws://';
/** EC2 instance ids: `i-` and 8 (older) or 17 hexadecimal digits. */
const INSTANCE_ID = /^i-(?:[0-9a-f]{8}|[0-9a-f]{17})$/;
/** An availability zone (`us-east-1a`) or a Local/Wavelength zone (`us-west-2-lax-1a`). */
const ZONE = /^[a-z]{2}(?:-[a-z0-9]+)+$/;

/**
 * Parses the two forms the kubelet and cloud-provider-aws write, `aws:///<zone>/<instance-id>` and
 * `aws:///<instance-id>`. Anything else (another cloud, a Fargate pod, a typo) is refused with the reason.
 */
export function parseAwsProviderId(providerId: string): ParsedProviderId {
  const text = providerId.trim();
  if (text === '') return { ok: false, reason: 'spec.providerID is empty' };
  if (!text.startsWith(PREFIX)) {
    return { ok: false, reason: `spec.providerID "${providerId}" does not start with ${PREFIX}` };
  }
  const path = text.slice(PREFIX.length);
  if (!path.startsWith('/')) {
    return {
      ok: false,
      reason: `spec.providerID "${providerId}" has a host part; expected aws:///<zone>/<instance-id>`,
    };
  }
  const parts = path.slice(1).split('/');
  const instanceId = parts.at(-1) ?? '';
  const zone = parts.length === 2 ? parts[0] : undefined;
  if (parts.length > 2 || (zone !== undefined && !ZONE.test(zone))) {
    return {
      ok: false,
      reason: `spec.providerID "${providerId}" is not aws:///<zone>/<instance-id> or aws:///<instance-id>`,
    };
  }
  if (!INSTANCE_ID.test(instanceId)) {
    return {
      ok: false,
      reason: `spec.providerID "${providerId}" names "${instanceId}", which is not an EC2 instance id`,
    };
  }
  return zone === undefined ? { ok: true, instanceId } : { ok: true, instanceId, zone };
}
