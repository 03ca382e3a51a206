export interface TtlBatchCacheOptions<V> {
  /** How long an entry (a value or a confirmed absence) is trusted, in ms. */
  readonly ttlMs: number;
  /** Milliseconds; only differences matter. */
  readonly now: () => number;
  /** Loads many keys in one call; keys missing from the result are remembered as absent. */
  readonly load: (keys: readonly string[], signal: AbortSignal) => Promise<ReadonlyMap<string, V>>;
  /** Most keys passed to one `load`. */
  readonly batchSize: number;
}

interface Entry<V> {
  readonly value: V | undefined;
  readonly at: number;
}

/**
 * A read-through cache for cloud lookups: fresh keys cost nothing, the rest are loaded together in batches, and
 * a key already being loaded by a concurrent caller is awaited rather than asked for again (the routes and nodes
 * controllers resolve the same instances at the same moment).
 */
export class TtlBatchCache<V> {
  readonly #options: TtlBatchCacheOptions<V>;
  readonly #entries = new Map<string, Entry<V>>();
  readonly #loading = new Map<string, Promise<void>>();

  constructor(options: TtlBatchCacheOptions<V>) {
    this.#options = options;
  }

  /** Every key's value, `undefined` for keys the cloud does not know. */
  async getMany(keys: readonly string[], signal: AbortSignal): Promise<Map<string, V | undefined>> {
    const unique = [...new Set(keys)];
    const waits = new Set<Promise<void>>();
    const missing: string[] = [];
    for (const key of unique) {
      if (this.#fresh(key)) continue;
      const loading = this.#loading.get(key);
      if (loading) waits.add(loading);
      else missing.push(key);
    }
    for (let start = 0; start < missing.length; start += this.#options.batchSize) {
      waits.add(this.#loadBatch(missing.slice(start, start + this.#options.batchSize), signal));
    }
    await Promise.all(waits);
    return new Map(unique.map((key) => [key, this.#entries.get(key)?.value]));
  }

  /** Records a value learnt elsewhere (another describe, or a change Skyway just made). */
  set(key: string, value: V | undefined): void {
    this.#entries.set(key, { value, at: this.#options.now() });
  }

  /** The cached value, fresh or not; undefined when never loaded. */
  peek(key: string): V | undefined {
    return this.#entries.get(key)?.value;
  }

  #fresh(key: string): boolean {
    const entry = this.#entries.get(key);
    return entry !== undefined && this.#options.now() - entry.at < this.#options.ttlMs;
  }

  #loadBatch(keys: readonly string[], signal: AbortSignal): Promise<void> {
    const promise = (async () => {
      try {
        const found = await this.#options.load(keys, signal);
        for (const key of keys) this.set(key, found.get(key));
      } finally {
        for (const key of keys) this.#loading.delete(key);
      }
    })();
    for (const key of keys) this.#loading.set(key, promise);
    return promise;
  }
}
