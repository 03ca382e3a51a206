import { describe, expect, it } from 'vitest';
import { parseAwsProviderId } from '../../../providers/aws/provider-id.js';

describe('parseAwsProviderId', () => {
  it.each([
    [
      'aws:///us-east-1a/i-0123456789abcdef0',
      { ok: true, instanceId: 'i-0123456789abcdef0', zone: 'us-east-1a' },
    ],
    ['aws:///i-0123456789abcdef0', { ok: true, instanceId: 'i-0123456789abcdef0' }],
    ['aws:///eu-west-3c/i-12345678', { ok: true, instanceId: 'i-12345678', zone: 'eu-west-3c' }],
    [
      'aws:///us-west-2-lax-1a/i-0123456789abcdef0',
      { ok: true, instanceId: 'i-0123456789abcdef0', zone: 'us-west-2-lax-1a' },
    ],
    [
      '  aws:///us-east-1a/i-0123456789abcdef0 ',
      { ok: true, instanceId: 'i-0123456789abcdef0', zone: 'us-east-1a' },
    ],
  ])('accepts %s', (providerId, expected) => {
    expect(parseAwsProviderId(providerId)).toEqual(expected);
  });

  it.each([
    ['', 'empty'],
    ['gce://project/us-central1-a/node-1', 'does not start with aws://'],
    ['i-0123456789abcdef0', 'does not start with aws://'],
    ['aws://us-east-1a/i-0123456789abcdef0', 'has a host part'],
    ['aws:///us-east-1a/extra/i-0123456789abcdef0', 'is not aws:///<zone>/<instance-id>'],
    ['aws:///US_EAST/i-0123456789abcdef0', 'is not aws:///<zone>/<instance-id>'],
    ['aws:///us-east-1a/fargate-ip-10-0-1-2.ec2.internal', 'not an EC2 instance id'],
    ['aws:///us-east-1a/i-xyz', 'not an EC2 instance id'],
    ['aws:///us-east-1a/i-0123456789ABCDEF0', 'not an EC2 instance id'],
    ['aws:///us-east-1a/', 'not an EC2 instance id'],
  ])('refuses %j with a reason', (providerId, reason) => {
    const parsed = parseAwsProviderId(providerId);
    expect(parsed.ok).toBe(false);
    expect(parsed.ok ? '' : parsed.reason).toContain(reason);
  });
});
