import {
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { chunk } from './batches.js';
import { tagMap } from './tags.js';

/** DescribeTags takes at most 20 ARNs per call. */
export const MAX_TAG_ARNS = 20;

export interface ElbTagReaderOptions {
  readonly elbv2: ElasticLoadBalancingV2Client;
  /** How long the tags of an ARN are trusted. Default 300 000 ms. */
  readonly ttlMs?: number;
  /** Milliseconds. Default Date.now. */
  readonly now?: () => number;
}

/**
 * Tags of ELBv2 resources, 20 ARNs per DescribeTags, remembered per ARN. Ownership is found by listing every load
 * balancer and target group and reading their tags; the ownership tags of a resource never change after it is
 * made (they are set by its create call), so a cached answer stays right, and steady state costs only the list.
 */
export class ElbTagReader {
  readonly #elbv2: ElasticLoadBalancingV2Client;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { readonly tags: ReadonlyMap<string, string>; readonly at: number }>();

  constructor(options: ElbTagReaderOptions) {
    this.#elbv2 = options.elbv2;
    this.#ttlMs = options.ttlMs ?? 300_000;
    this.#now = options.now ?? Date.now;
  }

  async tags(
    arns: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, ReadonlyMap<string, string>>> {
    const now = this.#now();
    const result = new Map<string, ReadonlyMap<string, string>>();
    const missing: string[] = [];
    for (const arn of new Set(arns)) {
      const hit = this.#cache.get(arn);
      if (hit && now - hit.at < this.#ttlMs) result.set(arn, hit.tags);
      else missing.push(arn);
    }
    for (const batch of chunk(missing, MAX_TAG_ARNS)) {
      const answer = await this.#elbv2.send(new DescribeTagsCommand({ ResourceArns: batch }), {
        abortSignal: signal,
      });
      for (const description of answer.TagDescriptions ?? []) {
        if (!description.ResourceArn) continue;
        const tags = tagMap(description.Tags);
        this.#cache.set(description.ResourceArn, { tags, at: now });
        result.set(description.ResourceArn, tags);
      }
    }
    return result;
  }

  /** Records the tags of a resource Skyway just created, so the next observe needs no DescribeTags for it. */
  remember(arn: string, tags: Readonly<Record<string, string>>): void {
    this.#cache.set(arn, { tags: new Map(Object.entries(tags)), at: this.#now() });
  }

  /** Drops ARNs that no longer exist (the caller passes the ones just listed). */
  retainOnly(arns: ReadonlySet<string>, kind: 'loadbalancer' | 'targetgroup'): void {
    for (const arn of this.#cache.keys()) {
      if (arn.includes(`:${kind}/`) && !arns.has(arn)) this.#cache.delete(arn);
    }
  }
}
