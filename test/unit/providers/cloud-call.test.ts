import { describe, expect, it } from 'vitest';
import { classifyAwsError } from '../../../providers/aws/errors.js';
import { type CallOutcome, createCloudCalls } from '../../../providers/cloud-call.js';
import { reportCloudOutcomes } from '../../../providers/cloud-health.js';
import { CloudError } from '../../../src/errors.js';
import { createMetrics } from '../../../src/observability/metrics.js';
import { ProblemBoard } from '../../../src/observability/problem-board.js';

function awsError(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} happened`), {
    name,
    $metadata: { httpStatusCode: status },
    ...extra,
  });
}

describe('classifyAwsError', () => {
  it.each([
    [awsError('RequestLimitExceeded', 503), 'throttled'],
    [awsError('Throttling', 400), 'throttled'],
    [awsError('Anything', 400, { $retryable: { throttling: true } }), 'throttled'],
    [awsError('UnauthorizedOperation', 403), 'denied'],
    [awsError('AccessDenied', 403), 'denied'],
    [awsError('InvalidRouteTableID.NotFound', 400), 'notFound'],
    [awsError('LoadBalancerNotFoundException', 400, { Code: 'LoadBalancerNotFound' }), 'notFound'],
    [awsError('RouteAlreadyExists', 400), 'conflict'],
    [awsError('DuplicateTargetGroupNameException', 400), 'conflict'],
    [awsError('ResourceInUseException', 400, { Code: 'ResourceInUse' }), 'conflict'],
    [awsError('InvalidParameterValue', 400), 'invalid'],
    [awsError('ValidationError', 400), 'invalid'],
    [awsError('InternalError', 500, { $fault: 'server' }), 'transient'],
    [Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }), 'transient'],
  ])('%s → %s', (error, kind) => {
    const classified = classifyAwsError(error, 'ec2', 'CreateRoute');
    expect(classified).toBeInstanceOf(CloudError);
    expect(classified.kind).toBe(kind);
    expect(classified.provider).toBe('aws');
    expect(classified.operation).toBe('ec2:CreateRoute');
    expect(classified.cause).toBe(error);
  });

  it('prefers the wire code for ELBv2 exceptions', () => {
    expect(
      classifyAwsError(
        awsError('TargetGroupNotFoundException', 400, { Code: 'TargetGroupNotFound' }),
        'elbv2',
        'X',
      ).code,
    ).toBe('TargetGroupNotFound');
  });
});

describe('createCloudCalls', () => {
  it('counts every attempt by result, rethrows SDK errors from attempt() and CloudErrors from call()', async () => {
    const metrics = createMetrics();
    const outcomes: CallOutcome[] = [];
    const calls = createCloudCalls({
      provider: 'aws',
      metrics,
      classify: classifyAwsError,
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    expect(await calls.attempt('ec2', 'DescribeRouteTables', async () => 'ok')).toBe('ok');
    const sdkError = awsError('RequestLimitExceeded', 503);
    await expect(calls.attempt('ec2', 'CreateRoute', () => Promise.reject(sdkError))).rejects.toBe(sdkError);
    await expect(calls.call('ec2', 'CreateRoute', () => Promise.reject(sdkError))).rejects.toMatchObject({
      name: 'CloudError',
      kind: 'throttled',
    });
    const counts = (await metrics.cloudApiCalls.get()).values.map((value) => [
      value.labels.operation,
      value.labels.result,
      value.value,
    ]);
    expect(counts).toEqual(
      expect.arrayContaining([
        ['DescribeRouteTables', 'ok', 1],
        ['CreateRoute', 'throttled', 2],
      ]),
    );
    expect(outcomes.map((outcome) => outcome.result)).toEqual(['ok', 'throttled', 'throttled']);
  });

  it('waits for admission before each attempt', async () => {
    const order: string[] = [];
    const calls = createCloudCalls({
      provider: 'gcp',
      metrics: createMetrics(),
      classify: classifyAwsError,
      admissionFor: (service) => ({
        acquire: async () => {
          order.push(`admit ${service}`);
        },
      }),
    });
    await calls.call('compute', 'routes.list', async () => {
      order.push('send');
    });
    expect(order).toEqual(['admit compute', 'send']);
  });

  it('shows account-wide failures on the problem board until the operation works again', () => {
    const board = new ProblemBoard();
    const report = reportCloudOutcomes(board, 'aws');
    const denied = classifyAwsError(awsError('UnauthorizedOperation', 403), 'ec2', 'CreateRoute');
    report({ service: 'ec2', operation: 'CreateRoute', result: 'denied', error: denied });
    report({ service: 'ec2', operation: 'DeleteRoute', result: 'notFound' });
    expect(board.list().map((problem) => [problem.key, problem.message])).toEqual([
      ['aws ec2:CreateRoute', 'denied: UnauthorizedOperation'],
    ]);
    report({ service: 'ec2', operation: 'CreateRoute', result: 'ok' });
    expect(board.list()).toEqual([]);
  });
});
