import { describe, expect, it } from 'vitest';
import { FakeClock } from '../support/fake-clock.js';
import { describeAwsRequest } from './aws-proxy/aws-request.js';
import { blackholeRoute } from './aws-proxy/ec2-rewrites.js';
import { awsErrorReply, throttlingError } from './aws-proxy/error-reply.js';
import { FaultRules } from './aws-proxy/fault-rules.js';
import { RefusingTokenBucket, Throttle } from './aws-proxy/throttle.js';
import type { AwsRequest } from './aws-proxy/types.js';

const FORM = 'application/x-www-form-urlencoded; charset=utf-8';
const scope = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=x`;

function ec2Call(action: string, params: Record<string, string> = {}): AwsRequest {
  return { service: 'ec2', action, params: new URLSearchParams(params), protocol: 'query' };
}

describe('describeAwsRequest', () => {
  it('reads action, params and service from a Query-protocol form body', () => {
    const request = describeAwsRequest(
      { url: '/', headers: { 'content-type': FORM, authorization: scope('ec2') } },
      Buffer.from(
        'Action=CreateRoute&Version=2016-11-15&RouteTableId=rtb-1&DestinationCidrBlock=10.0.0.0%2F24',
      ),
    );
    expect(request).toMatchObject({ service: 'ec2', action: 'CreateRoute', protocol: 'query' });
    expect(request?.params.get('DestinationCidrBlock')).toBe('10.0.0.0/24');
  });

  it('tells ELBv2 from classic ELB by Version, and falls back to the credential scope', () => {
    const headers = { 'content-type': FORM, authorization: scope('elasticloadbalancing') };
    const describeAs = (body: string) =>
      describeAwsRequest({ url: '/', headers }, Buffer.from(body))?.service;
    expect(describeAs('Action=DescribeLoadBalancers&Version=2015-12-01')).toBe('elbv2');
    expect(describeAs('Action=DescribeLoadBalancers&Version=2012-06-01')).toBe('elb');
    expect(describeAs('Action=DescribeLoadBalancers&Version=2099-01-01')).toBe('elasticloadbalancing');
  });

  it('reads JSON-protocol calls from X-Amz-Target and ignores requests that are no AWS call', () => {
    const json = describeAwsRequest(
      {
        url: '/',
        headers: { 'x-amz-target': 'CertificateManager.RequestCertificate', authorization: scope('acm') },
      },
      Buffer.from('{"DomainName":"a.example"}'),
    );
    expect(json).toMatchObject({ service: 'acm', action: 'RequestCertificate', protocol: 'json' });
    expect(describeAwsRequest({ url: '/moto-api/reset', headers: {} }, Buffer.alloc(0))).toBeUndefined();
  });
});

describe('error replies', () => {
  it('uses the EC2 Response/Errors shape with RequestID', () => {
    const reply = awsErrorReply(ec2Call('DescribeVpcs'), throttlingError(ec2Call('DescribeVpcs')), 'req-1');
    expect(reply.status).toBe(503);
    expect(reply.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>RequestLimitExceeded</Code>' +
        '<Message>Request limit exceeded.</Message></Error></Errors><RequestID>req-1</RequestID></Response>',
    );
  });

  it('uses the Query ErrorResponse shape, Receiver for 5xx, and escapes text', () => {
    const elb: AwsRequest = { ...ec2Call('DescribeLoadBalancers'), service: 'elbv2' };
    const reply = awsErrorReply(elb, { status: 500, code: 'InternalFailure', message: 'a < b & c' }, 'req-2');
    expect(reply.body).toBe(
      '<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>Receiver</Type>' +
        '<Code>InternalFailure</Code><Message>a &#60; b &#38; c</Message></Error><RequestId>req-2</RequestId>' +
        '</ErrorResponse>',
    );
  });
});

describe('token buckets', () => {
  it('allows a burst, refuses when empty, refills at qps up to the burst', () => {
    const bucket = new RefusingTokenBucket({ qps: 2, burst: 3 }, 0);
    expect([0, 0, 0, 0].map((now) => bucket.tryTake(now))).toEqual([true, true, true, false]);
    expect(bucket.tryTake(499)).toBe(false);
    expect(bucket.tryTake(500)).toBe(true);
    expect([60_000, 60_000, 60_000, 60_000].map((now) => bucket.tryTake(now))).toEqual([
      true,
      true,
      true,
      false,
    ]);
  });

  it('keeps one bucket per action and throttles only the rule service', () => {
    const throttle = new Throttle({ service: 'ec2', default: { qps: 0, burst: 1 } }, new FakeClock());
    expect(throttle.admit(ec2Call('CreateRoute'))).toBe(true);
    expect(throttle.admit(ec2Call('CreateRoute'))).toBe(false);
    expect(throttle.admit(ec2Call('DeleteRoute'))).toBe(true);
    expect(throttle.admit({ ...ec2Call('DescribeTags'), service: 'elbv2' })).toBe(true);
    expect(() => new Throttle({ default: { qps: -1, burst: 1 } }, new FakeClock())).toThrow(RangeError);
  });
});

describe('FaultRules', () => {
  it('does not spend a failNext count on a throttled call', () => {
    const rules = new FaultRules(new FakeClock(), () => 0.5);
    rules.setThrottle({ actions: { CreateRoute: { qps: 0, burst: 0 } } });
    rules.failNext('CreateRoute', 1, { status: 400, code: 'RouteLimitExceeded', message: 'full' });
    expect(rules.decide(ec2Call('CreateRoute'))).toMatchObject({ kind: 'error', fault: 'throttle' });
    rules.setThrottle(undefined);
    expect(rules.decide(ec2Call('CreateRoute'))).toMatchObject({ kind: 'error', fault: 'failNext' });
    expect(rules.decide(ec2Call('CreateRoute'))).toEqual({ kind: 'forward' });
  });

  it('matches failNext on parameters through a where filter', () => {
    const rules = new FaultRules(new FakeClock(), () => 0.5);
    rules.failNext(
      { action: 'CreateRoute', where: (call) => call.params.get('RouteTableId') === 'rtb-2' },
      1,
      {
        status: 400,
        code: 'RouteLimitExceeded',
        message: 'full',
      },
    );
    expect(rules.decide(ec2Call('CreateRoute', { RouteTableId: 'rtb-1' }))).toEqual({ kind: 'forward' });
    expect(rules.decide(ec2Call('CreateRoute', { RouteTableId: 'rtb-2' }))).toMatchObject({
      fault: 'failNext',
    });
  });
});

describe('blackholeRoute', () => {
  it('changes only the state of the route to that destination, IPv4 or IPv6', () => {
    const route = (cidr: string, tag: string) =>
      `<item><${tag}>${cidr}</${tag}><instanceId>i-1</instanceId><state>active</state></item>`;
    const xml =
      '<DescribeRouteTablesResponse><routeTableSet><item><routeSet>' +
      route('10.0.0.0/16', 'destinationCidrBlock') +
      route('10.244.1.0/24', 'destinationCidrBlock') +
      route('2600:1f18::/64', 'destinationIpv6CidrBlock') +
      '</routeSet><tagSet><item><key>state</key><value>x</value></item></tagSet></item></routeTableSet>' +
      '</DescribeRouteTablesResponse>';
    const states = (text: string) => [...text.matchAll(/<state>(\w+)<\/state>/g)].map((m) => m[1]);
    expect(states(blackholeRoute('10.244.1.0/24')(xml))).toEqual(['active', 'blackhole', 'active']);
    expect(states(blackholeRoute('2600:1f18::/64')(xml))).toEqual(['active', 'active', 'blackhole']);
  });
});
