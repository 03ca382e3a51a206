import type { Clock } from '../../../src/runtime/clock.js';

/** `ec2` and `elbv2` are named; any other service is the signing name from the credential scope (e.g. `acm`). */
export type AwsServiceName = 'ec2' | 'elbv2' | (string & {});

/** What one AWS API request asked for, as the proxy read it off the wire. */
export interface AwsRequest {
  readonly service: AwsServiceName;
  /** The API operation, e.g. `CreateRoute`. */
  readonly action: string;
  /** Every form (or query-string) parameter of a Query-protocol call; empty for JSON-protocol calls. */
  readonly params: URLSearchParams;
  /** `query`: EC2, ELBv2 and the other form-encoded XML APIs; `json`: `X-Amz-Target` APIs such as ACM. */
  readonly protocol: 'query' | 'json';
}

/** Which injected fault answered a call instead of moto. */
export type FaultKind = 'throttle' | 'failNext' | 'random5xx' | 'drop';

export interface ProxiedCall extends AwsRequest {
  /** Arrival order, from 0; keeps counting across `clearCalls`. */
  readonly seq: number;
  /** When the request body had fully arrived, on the proxy's clock (ms). */
  readonly receivedAt: number;
  /** The HTTP status the client got; `undefined` while the call is in flight, and for a dropped connection. */
  readonly status: number | undefined;
  /** The fault that answered the call; `undefined` when moto did. */
  readonly faulted: FaultKind | undefined;
  /** A `rewrite` rule changed moto's reply. */
  readonly rewritten: boolean;
}

/** The pieces of an AWS error reply; the proxy wraps them in the service's own error shape. */
export interface AwsErrorSpec {
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

export interface CallFilter {
  readonly service?: AwsServiceName;
  /** An exact action name, or a pattern over it. */
  readonly action?: string | RegExp;
  /** Any further condition, e.g. on a parameter: `(call) => call.params.get('RouteTableId') === id`. */
  readonly where?: (call: AwsRequest) => boolean;
}

/** Which calls a rule applies to: an action name, a pattern over action names, or a filter. */
export type CallMatch = string | RegExp | CallFilter;

export interface TokenBucketLimits {
  /** Tokens added per second (may be fractional, or 0 for no refill). */
  readonly qps: number;
  /** Bucket size: calls allowed back to back from a full bucket. */
  readonly burst: number;
}

/**
 * Request-rate throttling as EC2 does it: every action has its own token bucket, full when the rule is set. A call
 * takes one token; a call that finds the bucket empty is refused (and takes none).
 */
export interface ThrottleRule {
  /** Limits for these actions, e.g. `{ CreateRoute: { qps: 5, burst: 10 } }`. */
  readonly actions?: Readonly<Record<string, TokenBucketLimits>>;
  /** Limits for every other action (each still has a bucket of its own). Without it, other actions are free. */
  readonly default?: TokenBucketLimits;
  /** Throttle only this service's calls. Default: every service. */
  readonly service?: AwsServiceName;
}

export interface FailRandomlyRule {
  /** Default: every call. */
  readonly match?: CallMatch;
  /** The share of matching calls that fail, 0..1; each matching call draws one number from `random`. */
  readonly rate: number;
  /** `5xx`: a server error in the service's error shape; `drop`: the socket is destroyed before any reply. */
  readonly mode: '5xx' | 'drop';
  /** For `5xx`: the error to send. Default EC2 500 InternalError, ELBv2 503 ServiceUnavailable. */
  readonly error?: AwsErrorSpec;
}

/** Extra delay before a reply (or a drop), in ms; a function can vary it by call. */
export type LatencySpec = number | ((call: AwsRequest) => number);

export type RewriteFn = (xml: string, call: ProxiedCall) => string;

export interface CallCountFilter {
  readonly service?: AwsServiceName;
  readonly action?: string | RegExp;
  /** `true`: only faulted calls; `false`: only calls moto answered; a kind: only that fault. */
  readonly faulted?: boolean | FaultKind;
}

export interface AwsProxy {
  /** `http://127.0.0.1:PORT`: give this to the SDK (`endpoint`, or `AWS_ENDPOINT_URL`). */
  readonly endpoint: string;
  /** A snapshot of every AWS call seen since the last `clearCalls`/`reset`, in arrival order. */
  readonly calls: readonly ProxiedCall[];
  clearCalls(): void;
  countCalls(filter?: CallCountFilter): number;
  /** Replaces the latency; 0 turns it off. */
  setLatency(latency: LatencySpec): void;
  /** Replaces the throttle rule (with fresh, full buckets); `undefined` turns throttling off. */
  setThrottle(rule: ThrottleRule | undefined): void;
  /** Adds a random-failure rule; returns a function that removes it. */
  failRandomly(rule: FailRandomlyRule): () => void;
  /** Fails the next `count` matching calls with `error` in the service's error shape; returns a remover. */
  failNext(match: CallMatch, count: number, error: AwsErrorSpec): () => void;
  /** Rewrites moto's 2xx reply body for matching calls (rules apply in the order added); returns a remover. */
  rewrite(match: CallMatch, fn: RewriteFn): () => void;
  /** Clears every rule (latency, throttle, failures, rewrites) and the recorded calls. moto's state is untouched. */
  reset(): void;
  /** Closes the listener and every open connection; calls still waiting out their latency are dropped. */
  stop(): Promise<void>;
}

export interface AwsProxyOptions {
  /** The moto endpoint (or any AWS-compatible endpoint), e.g. `http://127.0.0.1:5055`. */
  readonly target: string;
  /** Drives `failRandomly`. Default `Math.random`. */
  readonly random?: () => number;
  /** Drives token-bucket refill and latency timers. Default the system clock. */
  readonly clock?: Clock;
  /** Default `127.0.0.1`. */
  readonly host?: string;
  /** Default: a free port chosen by the OS. */
  readonly port?: number;
}
