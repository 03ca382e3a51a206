import { describe, expect, it } from 'vitest';
import { HealthRegistry } from '../../../src/observability/health.js';
import { ProblemBoard } from '../../../src/observability/problem-board.js';

describe('HealthRegistry with a ProblemBoard', () => {
  it('fails readiness only for gating checks and shows problems as warnings', () => {
    let now = 1_000;
    const board = new ProblemBoard(() => now);
    let synced = false;
    const health = new HealthRegistry();
    health.addReadiness({
      name: 'informer-sync',
      gatesReadiness: true,
      check: () => (synced ? { ok: true } : { ok: false, detail: 'waiting for nodes' }),
    });
    health.addReadiness({ name: 'cloud', gatesReadiness: false, check: () => board.check() });

    expect(health.readiness()).toEqual({
      ok: false,
      text: '[-]informer-sync failed: waiting for nodes\n[+]cloud ok\nreadyz check failed\n',
    });
    synced = true;
    board.report('aws ec2:DescribeRouteTables', 'denied: UnauthorizedOperation');
    now += 12_000;
    board.report('aws ec2:DescribeRouteTables', 'denied: UnauthorizedOperation');
    const report = health.readiness();
    expect(report.ok).toBe(true);
    expect(report.text).toBe(
      '[+]informer-sync ok\n[!]cloud warning: aws ec2:DescribeRouteTables: denied: UnauthorizedOperation (for 12s)\n' +
        'readyz check passed\n',
    );
    board.clear('aws ec2:DescribeRouteTables');
    expect(health.readiness().text).toContain('[+]cloud ok');
  });
});
