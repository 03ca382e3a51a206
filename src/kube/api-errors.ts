import { ApiException } from '@kubernetes/client-node';

/** The HTTP status of a client-node API error, or undefined for anything else (network errors, bugs). */
export function apiStatusCode(error: unknown): number | undefined {
  return error instanceof ApiException && typeof error.code === 'number' ? error.code : undefined;
}

export function isConflict(error: unknown): boolean {
  return apiStatusCode(error) === 409;
}

export function isNotFound(error: unknown): boolean {
  return apiStatusCode(error) === 404;
}
