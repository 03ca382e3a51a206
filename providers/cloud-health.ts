import type { ProblemBoard } from '../src/observability/problem-board.js';
import type { CallOutcome } from './cloud-call.js';

/**
 * Failures that mean the account, not the request, is in trouble. notFound and conflict are ordinary control
 * flow (a create that finds the resource there), and invalid belongs to one object's Events.
 */
const ACCOUNT_PROBLEMS = new Set(['denied', 'throttled', 'transient']);

/** Keeps one /readyz warning per cloud operation whose last attempt failed for an account-wide reason. */
export function reportCloudOutcomes(board: ProblemBoard, provider: string): (outcome: CallOutcome) => void {
  return (outcome) => {
    const key = `${provider} ${outcome.service}:${outcome.operation}`;
    if (outcome.result === 'ok') board.clear(key);
    else if (ACCOUNT_PROBLEMS.has(outcome.result)) {
      board.report(key, `${outcome.result}: ${outcome.error?.code ?? 'error'}`);
    }
  };
}
