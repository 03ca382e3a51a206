import type { AwsRequest, CallCountFilter, CallMatch, ProxiedCall } from './types.js';

function actionMatches(pattern: string | RegExp, action: string): boolean {
  if (typeof pattern === 'string') return pattern === action;
  pattern.lastIndex = 0; // a /g or /y pattern is stateful; each call is tested from the start
  return pattern.test(action);
}

/** Whether a rule's `match` covers this call; no match at all covers every call. */
export function matchesCall(match: CallMatch | undefined, request: AwsRequest): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string' || match instanceof RegExp) return actionMatches(match, request.action);
  if (match.service !== undefined && match.service !== request.service) return false;
  if (match.action !== undefined && !actionMatches(match.action, request.action)) return false;
  return match.where?.(request) ?? true;
}

export function countFilterMatches(filter: CallCountFilter, call: ProxiedCall): boolean {
  if (!matchesCall({ service: filter.service, action: filter.action }, call)) return false;
  if (filter.faulted === undefined) return true;
  if (typeof filter.faulted === 'boolean') return (call.faulted !== undefined) === filter.faulted;
  return call.faulted === filter.faulted;
}
