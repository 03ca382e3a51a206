import { CloudError, type CloudErrorKind } from '../../src/errors.js';

/** The structured fields the AWS SDK puts on every service error. */
interface AwsErrorShape {
  readonly name?: string;
  readonly Code?: string;
  readonly message?: string;
  readonly $fault?: 'client' | 'server';
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'SlowDown',
  'EC2ThrottledException',
]);

const DENIED_CODES = new Set([
  'UnauthorizedOperation',
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'OptInRequired',
]);

const CONFLICT_CODES = new Set([
  'RouteAlreadyExists',
  'InvalidPermission.Duplicate',
  'InvalidGroup.Duplicate',
  'DuplicateTargetGroupName',
  'DuplicateTargetGroupNameException',
  'DuplicateLoadBalancerName',
  'DuplicateLoadBalancerNameException',
  'DuplicateListener',
  'DuplicateListenerException',
  'PriorityInUse',
  'PriorityInUseException',
  'ResourceInUse',
  'ResourceInUseException',
  'DependencyViolation',
  'IncorrectState',
  'IncorrectInstanceState',
  'OperationNotPermitted',
  'OperationNotPermittedException',
]);

const TRANSIENT_CODES = new Set(['InternalError', 'InternalFailure', 'ServiceUnavailable', 'Unavailable']);

const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** ELBv2 exception names end in `Exception`; EC2 codes use dotted `.NotFound` suffixes. */
function isNotFound(code: string): boolean {
  return code.endsWith('.NotFound') || code.endsWith('NotFound') || code.endsWith('NotFoundException');
}

function kindOf(error: AwsErrorShape & { readonly code?: string }): CloudErrorKind {
  const code = error.name ?? '';
  const wire = error.Code ?? code;
  const status = error.$metadata?.httpStatusCode;
  if (
    error.$retryable?.throttling ||
    THROTTLING_CODES.has(code) ||
    THROTTLING_CODES.has(wire) ||
    status === 429
  ) {
    return 'throttled';
  }
  if (DENIED_CODES.has(code) || DENIED_CODES.has(wire) || status === 403) return 'denied';
  if (isNotFound(code) || isNotFound(wire)) return 'notFound';
  if (CONFLICT_CODES.has(code) || CONFLICT_CODES.has(wire)) return 'conflict';
  if (TRANSIENT_CODES.has(code) || error.$fault === 'server' || (status !== undefined && status >= 500)) {
    return 'transient';
  }
  if (error.code && NETWORK_ERROR_CODES.has(error.code)) return 'transient';
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return 'transient';
  if (status !== undefined && status >= 400) return 'invalid';
  return 'transient';
}

export function classifyAwsError(error: unknown, service: string, operation: string): CloudError {
  const shape = (typeof error === 'object' && error !== null ? error : {}) as AwsErrorShape & {
    readonly code?: string;
  };
  return new CloudError({
    kind: kindOf(shape),
    code: shape.Code ?? shape.name ?? 'Unknown',
    provider: 'aws',
    operation: `${service}:${operation}`,
    message: shape.message ?? String(error),
    cause: error,
  });
}
