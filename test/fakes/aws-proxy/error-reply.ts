import type { AwsErrorSpec, AwsRequest } from './types.js';

export interface HttpReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * The namespace real ELBv2 puts on `ErrorResponse` (moto 5.2.1 sends the same). The SDK ignores it, but a reply
 * that looks like AWS keeps other clients and human readers honest.
 */
const QUERY_ERROR_NAMESPACE: Readonly<Record<string, string>> = {
  elbv2: 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/',
};

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * EC2's own shape (EC2 API Reference, "Error codes" → "Example error response"; moto's EC2_ERROR_RESPONSE):
 * `Response/Errors/Error/{Code,Message}` with `RequestID`, upper-case ID.
 */
function ec2ErrorXml(error: AwsErrorSpec, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message>` +
    `</Error></Errors><RequestID>${requestId}</RequestID></Response>`
  );
}

/** The AWS Query shape of ELBv2 and the other form-encoded APIs: `ErrorResponse/Error/{Type,Code,Message}`. */
function queryErrorXml(service: string, error: AwsErrorSpec, requestId: string): string {
  const namespace = QUERY_ERROR_NAMESPACE[service];
  const open = namespace ? `<ErrorResponse xmlns="${namespace}">` : '<ErrorResponse>';
  const type = error.status >= 500 ? 'Receiver' : 'Sender';
  return (
    `${open}<Error><Type>${type}</Type><Code>${escapeXml(error.code)}</Code>` +
    `<Message>${escapeXml(error.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

/** An AWS error reply in the shape the calling SDK parses for `request`'s service and protocol. */
export function awsErrorReply(request: AwsRequest, error: AwsErrorSpec, requestId: string): HttpReply {
  if (request.protocol === 'json') {
    return {
      status: error.status,
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': requestId,
        'x-amzn-errortype': error.code,
      },
      body: JSON.stringify({ __type: error.code, message: error.message }),
    };
  }
  return {
    status: error.status,
    headers: { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId },
    body:
      request.service === 'ec2'
        ? ec2ErrorXml(error, requestId)
        : queryErrorXml(request.service, error, requestId),
  };
}

/**
 * What the service says when a caller is over its request rate. EC2: HTTP 503 `RequestLimitExceeded` "Request limit
 * exceeded." (EC2 "Request throttling" guide; the 503 is what real EC2 sends, seen in SDK reports). ELBv2 and the
 * other Query APIs: HTTP 400 `Throttling` "Rate exceeded" (the code real ELBv2 sends, per boto3 issue 3125 and kops
 * logs; the ELB throttling guide names the message). JSON APIs: HTTP 400 `ThrottlingException`.
 */
export function throttlingError(request: AwsRequest): AwsErrorSpec {
  if (request.service === 'ec2') {
    return { status: 503, code: 'RequestLimitExceeded', message: 'Request limit exceeded.' };
  }
  if (request.protocol === 'json')
    return { status: 400, code: 'ThrottlingException', message: 'Rate exceeded' };
  return { status: 400, code: 'Throttling', message: 'Rate exceeded' };
}

/**
 * A server-side failure: EC2's `InternalError` (its server error list), or the common `ServiceUnavailable` (HTTP
 * 503, "The request has failed due to a temporary failure of the server.") that ELBv2 and every other API lists.
 */
export function serverError(request: AwsRequest): AwsErrorSpec {
  if (request.service === 'ec2') {
    return { status: 500, code: 'InternalError', message: 'An internal error has occurred.' };
  }
  return {
    status: 503,
    code: 'ServiceUnavailable',
    message: 'The request has failed due to a temporary failure of the server.',
  };
}
