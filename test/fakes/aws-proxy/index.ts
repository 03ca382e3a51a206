export { blackholeRoute, routeState } from './ec2-rewrites.js';
export { startAwsProxy } from './start-aws-proxy.js';
export type {
  AwsErrorSpec,
  AwsProxy,
  AwsProxyOptions,
  AwsRequest,
  AwsServiceName,
  CallCountFilter,
  CallFilter,
  CallMatch,
  FailRandomlyRule,
  FaultKind,
  LatencySpec,
  ProxiedCall,
  RewriteFn,
  ThrottleRule,
  TokenBucketLimits,
} from './types.js';
