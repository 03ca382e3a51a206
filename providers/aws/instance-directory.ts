import {
  DescribeInstancesCommand,
  DescribeNetworkInterfacesCommand,
  type EC2Client,
  type Filter,
  type Instance,
} from '@aws-sdk/client-ec2';
import { allPages, MAX_FILTER_VALUES } from './batches.js';
import { type InstanceRecord, instanceRecordFrom, isLive } from './instance-record.js';
import { TtlBatchCache } from './ttl-batch-cache.js';

export interface InstanceDirectoryOptions {
  readonly ec2: EC2Client;
  /** How long a describe is trusted. Default 30 000 ms. */
  readonly ttlMs?: number;
  /** Milliseconds. Default Date.now. */
  readonly now?: () => number;
  /**
   * MaxResults of DescribeInstances and DescribeNetworkInterfaces (AWS accepts 5..1000, and MaxResults only with
   * Filters, never with InstanceIds). Default 1000.
   */
  readonly pageSize?: number;
}

/**
 * Every EC2 instance and ENI lookup of the provider, cached briefly and batched: ids, private DNS names and ENIs
 * are described with `Filters` of up to 200 values (a filter, unlike `InstanceIds`, does not fail the whole call
 * on one unknown id), paginated. 500 nodes with a cold cache cost 3 DescribeInstances; a warm cache costs none.
 */
export class InstanceDirectory {
  readonly #ec2: EC2Client;
  readonly #pageSize: number;
  readonly #byId: TtlBatchCache<InstanceRecord>;
  /** private DNS name → ids of instances with that name (a terminated one and its successor may share it). */
  readonly #byDnsName: TtlBatchCache<readonly string[]>;
  /** ENI id → id of the instance it is attached to. */
  readonly #interfaceOwner: TtlBatchCache<string>;

  constructor(options: InstanceDirectoryOptions) {
    this.#ec2 = options.ec2;
    this.#pageSize = options.pageSize ?? 1000;
    const ttlMs = options.ttlMs ?? 30_000;
    const now = options.now ?? Date.now;
    const common = { ttlMs, now, batchSize: MAX_FILTER_VALUES };
    this.#byId = new TtlBatchCache({
      ...common,
      load: async (ids, signal) => {
        const records = await this.#describe([{ Name: 'instance-id', Values: [...ids] }], signal);
        return new Map(records.map((record) => [record.id, record]));
      },
    });
    this.#byDnsName = new TtlBatchCache({
      ...common,
      load: async (names, signal) => {
        const records = await this.#describe([{ Name: 'private-dns-name', Values: [...names] }], signal);
        const ids = new Map<string, string[]>();
        for (const record of records) {
          ids.set(record.privateDnsName, [...(ids.get(record.privateDnsName) ?? []), record.id]);
        }
        return ids;
      },
    });
    this.#interfaceOwner = new TtlBatchCache({
      ...common,
      load: (enis, signal) => this.#describeInterfaceOwners(enis, signal),
    });
  }

  /** Instances by id, terminated ones included (their tags still prove ownership of a stale route). */
  async instances(
    ids: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, InstanceRecord | undefined>> {
    return this.#byId.getMany(ids, signal);
  }

  /** The live instance whose private DNS name is each name (the kubelet's default node name on AWS). */
  async instancesByDnsName(
    names: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, InstanceRecord | undefined>> {
    const idsByName = await this.#byDnsName.getMany(names, signal);
    const records = await this.instances(
      [...idsByName.values()].flatMap((ids) => ids ?? []),
      signal,
    );
    const result = new Map<string, InstanceRecord | undefined>();
    for (const [name, ids] of idsByName) {
      const candidates = (ids ?? []).map((id) => records.get(id)).filter((r) => r !== undefined);
      result.set(name, candidates.find(isLive) ?? candidates[0]);
    }
    return result;
  }

  /** The instance each ENI is attached to; undefined for an unattached or unknown ENI. */
  async interfaceOwners(
    enis: readonly string[],
    signal: AbortSignal,
  ): Promise<Map<string, string | undefined>> {
    return this.#interfaceOwner.getMany(enis, signal);
  }

  /** The last known state of an instance, fresh or not. */
  cached(id: string): InstanceRecord | undefined {
    return this.#byId.peek(id);
  }

  /** Records a change Skyway made, so the next reconcile does not act on the old state. */
  update(record: InstanceRecord): void {
    this.#remember(record);
  }

  #remember(record: InstanceRecord): void {
    this.#byId.set(record.id, record);
    for (const eni of record.interfaces) this.#interfaceOwner.set(eni.id, record.id);
  }

  async #describe(filters: Filter[], signal: AbortSignal): Promise<InstanceRecord[]> {
    const instances = await allPages<Instance>(async (nextToken) => {
      const page = await this.#ec2.send(
        new DescribeInstancesCommand({
          Filters: filters,
          MaxResults: this.#pageSize,
          NextToken: nextToken,
        }),
        { abortSignal: signal },
      );
      const items = (page.Reservations ?? []).flatMap((reservation) => reservation.Instances ?? []);
      return page.NextToken ? { items, nextToken: page.NextToken } : { items };
    });
    const records = instances.map(instanceRecordFrom).filter((record) => record !== undefined);
    for (const record of records) this.#remember(record);
    return records;
  }

  async #describeInterfaceOwners(enis: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
    const interfaces = await allPages(async (nextToken) => {
      const page = await this.#ec2.send(
        new DescribeNetworkInterfacesCommand({
          Filters: [{ Name: 'network-interface-id', Values: [...enis] }],
          MaxResults: this.#pageSize,
          NextToken: nextToken,
        }),
        { abortSignal: signal },
      );
      const items = page.NetworkInterfaces ?? [];
      return page.NextToken ? { items, nextToken: page.NextToken } : { items };
    });
    const owners = new Map<string, string>();
    for (const eni of interfaces) {
      const instanceId = eni.Attachment?.InstanceId;
      if (eni.NetworkInterfaceId && instanceId) owners.set(eni.NetworkInterfaceId, instanceId);
    }
    return owners;
  }
}
