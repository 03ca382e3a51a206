import type { IncomingHttpHeaders } from 'node:http';
import type { AwsRequest, AwsServiceName } from './types.js';

/**
 * The Query-protocol `Version` names the API exactly: the ELB signing name (`elasticloadbalancing`) is shared by
 * ELBv2 and the classic ELB API, which only the version tells apart.
 */
const SERVICE_BY_VERSION: Readonly<Record<string, AwsServiceName>> = {
  '2016-11-15': 'ec2',
  '2015-12-01': 'elbv2',
  '2012-06-01': 'elb',
};

/** `Credential=AKID/20260101/us-east-1/ec2/aws4_request` → `ec2`. */
const CREDENTIAL_SCOPE = /Credential=[^/,\s]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function signingName(headers: IncomingHttpHeaders): string | undefined {
  return CREDENTIAL_SCOPE.exec(header(headers, 'authorization') ?? '')?.[1];
}

/** `CertificateManager.RequestCertificate` → `RequestCertificate`. */
function jsonAction(target: string): string {
  return target.slice(target.lastIndexOf('.') + 1);
}

/**
 * Reads which service and action an SDK request is for. The SDK sends Query-protocol calls (EC2, ELBv2) as a POST
 * with a form-encoded body (`Action=…&Version=…`) and JSON-protocol calls with an `X-Amz-Target` header. Anything
 * else (moto's own `/moto-api/…`, for one) is not an AWS call: `undefined`.
 */
export function describeAwsRequest(
  request: { readonly url?: string; readonly headers: IncomingHttpHeaders },
  body: Buffer,
): AwsRequest | undefined {
  const target = header(request.headers, 'x-amz-target');
  if (target) {
    return {
      service: signingName(request.headers) ?? target.split('_')[0] ?? 'unknown',
      action: jsonAction(target),
      params: new URLSearchParams(),
      protocol: 'json',
    };
  }
  const params = new URL(request.url ?? '/', 'http://proxy').searchParams;
  if ((header(request.headers, 'content-type') ?? '').includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(body.toString('utf8'))) params.append(key, value);
  }
  const action = params.get('Action');
  if (!action) return undefined;
  const version = params.get('Version') ?? '';
  const service = SERVICE_BY_VERSION[version] ?? signingName(request.headers) ?? 'unknown';
  return { service, action, params, protocol: 'query' };
}
