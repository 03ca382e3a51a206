/**
 * Named health checks behind /healthz and /readyz. A check either gates readiness (caches synced) or only
 * informs (cloud problems): an admin sees the cloud trouble in the detail text without the pod being pulled out
 * of rotation, because a restart would not fix an account or IAM problem.
 */
export interface CheckResult {
  readonly ok: boolean;
  readonly detail?: string;
}

export interface HealthCheck {
  readonly name: string;
  /** Whether a failure makes /readyz answer 503 (else it is reported as a warning only). */
  readonly gatesReadiness: boolean;
  check(): CheckResult;
}

export interface HealthReport {
  readonly ok: boolean;
  readonly text: string;
}

export class HealthRegistry {
  readonly #readiness: HealthCheck[] = [];
  readonly #liveness: HealthCheck[] = [];

  addReadiness(check: HealthCheck): void {
    this.#readiness.push(check);
  }

  addLiveness(check: HealthCheck): void {
    this.#liveness.push(check);
  }

  readiness(): HealthReport {
    return report(this.#readiness, 'readyz');
  }

  liveness(): HealthReport {
    return report(this.#liveness, 'healthz');
  }
}

/** The verbose format of kube-apiserver's /readyz?verbose, which admins already read. */
function report(checks: readonly HealthCheck[], endpoint: string): HealthReport {
  let ok = true;
  const lines: string[] = [];
  for (const check of checks) {
    const result = check.check();
    const detail = result.detail ? `: ${result.detail}` : '';
    if (result.ok) lines.push(`[+]${check.name} ok${detail}`);
    else if (check.gatesReadiness) {
      ok = false;
      lines.push(`[-]${check.name} failed${detail}`);
    } else lines.push(`[!]${check.name} warning${detail}`);
  }
  lines.push(ok ? `${endpoint} check passed` : `${endpoint} check failed`);
  return { ok, text: `${lines.join('\n')}\n` };
}
