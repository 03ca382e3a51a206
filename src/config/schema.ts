import { z } from 'zod';
import { parseCidr } from '../cidr.js';
import { LOG_LEVELS, type LogLevel } from '../observability/logger.js';
import { parseDuration } from './duration.js';

const durationMs = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms <= 0) {
    ctx.addIssue({ code: 'custom', message: `invalid duration "${text}" (use e.g. 500ms, 15s, 10m, 1h)` });
    return z.NEVER;
  }
  return ms;
});

const commaList = z
  .union([z.string(), z.array(z.string())])
  .transform((value) =>
    (Array.isArray(value) ? value : value.split(','))
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const booleanText = z
  .union([z.boolean(), z.enum(['true', 'false'])])
  .transform((value) => value === true || value === 'true');

function integer(min: number, max: number) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const parsed =
      typeof value === 'number' ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
      ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}, got "${value}"` });
      return z.NEVER;
    }
    return parsed;
  });
}

function positiveNumber(max: number) {
  return z.union([z.number(), z.string()]).transform((value, ctx) => {
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed <= 0 || parsed > max) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a number above 0 and at most ${max}, got "${value}"`,
      });
      return z.NEVER;
    }
    return parsed;
  });
}

/** `host:port`, `:port` (all interfaces) or `0` (disabled). */
const listenAddress = z.string().transform((text, ctx) => {
  if (text === '0') return null;
  const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]*):(\d{1,5})$/.exec(text);
  const port = Number(match?.[2]);
  if (!match || port > 65535) {
    ctx.addIssue({ code: 'custom', message: `must be host:port, :port or 0, got "${text}"` });
    return z.NEVER;
  }
  const host = (match[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host || '0.0.0.0', port };
});

const cidr = z.string().transform((text, ctx) => {
  const parsed = parseCidr(text);
  if (!parsed) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a CIDR (e.g. 10.244.0.0/16 or fd00:10:244::/56)`,
    });
    return z.NEVER;
  }
  // The canonical network form, so later comparisons are string-safe.
  return parsed.text;
});

/** A DNS-1123 label, so the name is safe in AWS tags and GCP resource names alike. */
const clusterName = z
  .string()
  .regex(
    /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/,
    'must be lower-case letters, digits and "-" (at most 63), like a DNS label',
  );

export function runConfigSchema(availableControllers: readonly string[]) {
  return z
    .object({
      provider: z.enum(['aws', 'gcp'], { message: 'required: aws or gcp' }),
      clusterName: clusterName,
      region: z.string().min(1).optional(),
      project: z.string().min(1).optional(),
      kubeconfig: z.string().min(1).optional(),
      controllers: commaList.default([...availableControllers]).superRefine((names, ctx) => {
        for (const name of names) {
          if (!availableControllers.includes(name)) {
            ctx.addIssue({
              code: 'custom',
              message: `unknown controller "${name}" (this build has: ${availableControllers.join(', ') || 'none yet'})`,
            });
          }
        }
      }),
      clusterCidr: z.array(cidr).default([]),
      leaderElect: booleanText.default(true),
      leaderElectNamespace: z.string().min(1).default('kube-system'),
      leaderElectName: z.string().min(1).default('skyway'),
      leaderElectLeaseDuration: durationMs.default(15_000),
      leaderElectRenewDeadline: durationMs.default(10_000),
      leaderElectRetryPeriod: durationMs.default(2_000),
      metricsAddr: listenAddress.default({ host: '0.0.0.0', port: 8080 }),
      healthAddr: listenAddress.default({ host: '0.0.0.0', port: 8081 }),
      concurrency: integer(1, 100).default(5),
      resyncPeriod: durationMs.default(600_000),
      logLevel: z
        .enum(LOG_LEVELS as [LogLevel, ...LogLevel[]], { message: `must be one of ${LOG_LEVELS.join(', ')}` })
        .default('info'),
      cloudQps: positiveNumber(10_000).default(10),
      cloudBurst: integer(1, 100_000).default(20),
      awsRouteTableIds: commaList.default([]).superRefine((ids, ctx) => {
        for (const id of ids) {
          if (!/^rtb-[0-9a-f]{8,17}$/.test(id)) {
            ctx.addIssue({ code: 'custom', message: `"${id}" is not a route table id (rtb-…)` });
          }
        }
      }),
      routeConcurrency: integer(1, 200).default(20),
      manageSourceDestCheck: booleanText.default(true),
      loadBalancerClass: z
        .string()
        .regex(
          /^[a-z0-9.-]+\/[A-Za-z0-9._-]+$/,
          'must be a label-style name with a prefix, like skyway.dev/nlb',
        )
        .default('skyway.dev/nlb'),
      manageUnclassedServices: booleanText.default(true),
      gc: booleanText.default(true),
      gcpEndpoint: z.url({ message: 'must be a URL such as http://127.0.0.1:8085' }).optional(),
    })
    .strict()
    .superRefine((config, ctx) => {
      if (config.provider === 'gcp' && !config.project) {
        ctx.addIssue({ code: 'custom', path: ['project'], message: 'required with --provider gcp' });
      }
      if (!config.region) {
        ctx.addIssue({
          code: 'custom',
          path: ['region'],
          message:
            config.provider === 'aws'
              ? 'required (or set AWS_REGION)'
              : 'required: the region of the load balancers',
        });
      }
      if (config.controllers.includes('routes') && config.clusterCidr.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['clusterCidr'],
          message: 'required when the routes controller runs',
        });
      }
      if (config.leaderElectRenewDeadline >= config.leaderElectLeaseDuration) {
        ctx.addIssue({
          code: 'custom',
          path: ['leaderElectRenewDeadline'],
          message: 'must be shorter than --leader-elect-lease-duration',
        });
      }
      if (config.leaderElectRetryPeriod >= config.leaderElectRenewDeadline) {
        ctx.addIssue({
          code: 'custom',
          path: ['leaderElectRetryPeriod'],
          message: 'must be shorter than --leader-elect-renew-deadline',
        });
      }
    });
}

export type RunConfig = z.output<ReturnType<typeof runConfigSchema>>;
export type ListenAddress = NonNullable<RunConfig['metricsAddr']>;
