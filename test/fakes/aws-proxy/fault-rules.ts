import type { Clock } from '../../../src/runtime/clock.js';
import { matchesCall } from './call-match.js';
import { serverError, throttlingError } from './error-reply.js';
import { Throttle } from './throttle.js';
import type {
  AwsErrorSpec,
  AwsRequest,
  CallMatch,
  FailRandomlyRule,
  FaultKind,
  LatencySpec,
  RewriteFn,
  ThrottleRule,
} from './types.js';

/** What the proxy does with one call. */
export type Decision =
  | { readonly kind: 'forward' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'error'; readonly fault: Exclude<FaultKind, 'drop'>; readonly error: AwsErrorSpec };

interface FailNextRule {
  readonly match: CallMatch;
  remaining: number;
  readonly error: AwsErrorSpec;
}

interface RewriteRule {
  readonly match: CallMatch;
  readonly fn: RewriteFn;
}

const FORWARD: Decision = { kind: 'forward' };

function removeFrom<T>(list: T[], item: T): () => void {
  return () => {
    const index = list.indexOf(item);
    if (index >= 0) list.splice(index, 1);
  };
}

/**
 * The proxy's rules and the one place that decides a call's fate, in the order a real request meets them:
 * the network and the service's fleet (`failRandomly`), then the rate limiter in front of the API (`setThrottle`;
 * a throttled call never reaches the API, so it does not use up a `failNext` count), then the API (`failNext`).
 */
export class FaultRules {
  readonly #clock: Clock;
  readonly #random: () => number;
  #latency: LatencySpec = 0;
  #throttle: Throttle | undefined;
  readonly #randomFailures: FailRandomlyRule[] = [];
  readonly #failNext: FailNextRule[] = [];
  readonly #rewrites: RewriteRule[] = [];

  constructor(clock: Clock, random: () => number) {
    this.#clock = clock;
    this.#random = random;
  }

  setLatency(latency: LatencySpec): void {
    if (typeof latency === 'number' && !(latency >= 0))
      throw new RangeError(`latency must be >= 0 ms: ${latency}`);
    this.#latency = latency;
  }

  setThrottle(rule: ThrottleRule | undefined): void {
    this.#throttle = rule ? new Throttle(rule, this.#clock) : undefined;
  }

  failRandomly(rule: FailRandomlyRule): () => void {
    if (!(rule.rate >= 0 && rule.rate <= 1))
      throw new RangeError(`failure rate must be in 0..1: ${rule.rate}`);
    this.#randomFailures.push(rule);
    return removeFrom(this.#randomFailures, rule);
  }

  failNext(match: CallMatch, count: number, error: AwsErrorSpec): () => void {
    if (!(Number.isInteger(count) && count >= 0))
      throw new RangeError(`failNext count must be an integer >= 0`);
    const rule: FailNextRule = { match, remaining: count, error };
    this.#failNext.push(rule);
    return removeFrom(this.#failNext, rule);
  }

  rewrite(match: CallMatch, fn: RewriteFn): () => void {
    const rule: RewriteRule = { match, fn };
    this.#rewrites.push(rule);
    return removeFrom(this.#rewrites, rule);
  }

  clear(): void {
    this.#latency = 0;
    this.#throttle = undefined;
    this.#randomFailures.length = 0;
    this.#failNext.length = 0;
    this.#rewrites.length = 0;
  }

  decide(request: AwsRequest): Decision {
    for (const rule of this.#randomFailures) {
      if (!matchesCall(rule.match, request) || !(this.#random() < rule.rate)) continue;
      if (rule.mode === 'drop') return { kind: 'drop' };
      return { kind: 'error', fault: 'random5xx', error: rule.error ?? serverError(request) };
    }
    if (this.#throttle && !this.#throttle.admit(request)) {
      return { kind: 'error', fault: 'throttle', error: throttlingError(request) };
    }
    const next = this.#failNext.find((rule) => rule.remaining > 0 && matchesCall(rule.match, request));
    if (next) {
      next.remaining -= 1;
      if (next.remaining === 0) removeFrom(this.#failNext, next)();
      return { kind: 'error', fault: 'failNext', error: next.error };
    }
    return FORWARD;
  }

  latencyFor(request: AwsRequest): number {
    const ms = typeof this.#latency === 'number' ? this.#latency : this.#latency(request);
    return Math.max(0, ms);
  }

  rewritesFor(request: AwsRequest): readonly RewriteFn[] {
    return this.#rewrites.filter((rule) => matchesCall(rule.match, request)).map((rule) => rule.fn);
  }
}
