import {
  type KubeConfig,
  type KubernetesListObject,
  type KubernetesObject,
  ListWatch,
} from '@kubernetes/client-node';
import { type Logger, silentLogger } from '../observability/logger.js';
import { type Clock, sleep, systemClock } from '../runtime/clock.js';
import { type CacheEventHandler, type InformerCache, objectKey } from './cache-types.js';
import { HookedWatch } from './watch-hooks.js';

export interface RestartBackoff {
  /** First delay after a failure. Default 1000 ms. */
  readonly initialMs?: number;
  /** The delay doubles per consecutive failure up to this. Default 30000 ms. */
  readonly maxMs?: number;
}

export interface InformerCacheOptions<T extends KubernetesObject> {
  readonly kubeConfig: KubeConfig;
  /** Plural resource name for logs and /readyz: `nodes`, `services`. */
  readonly resource: string;
  /** The collection path the watch requests: `/api/v1/nodes`. */
  readonly path: string;
  /** Lists the collection with the same selectors as below (client-node passes them to the watch only). */
  readonly list: () => Promise<KubernetesListObject<T>>;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  /** Applied to every listed and watched object before it is cached. Default: none. */
  readonly decode?: (object: T) => T;
  /** Default: systemClock. */
  readonly clock?: Clock;
  /** Default: silent. */
  readonly logger?: Logger;
  /**
   * Delay before restarting after a list or watch error (client-node stops on those). `maxMs` also caps
   * client-node's own reconnect delay after a watch ends normally. Default `{ initialMs: 1000, maxMs: 30000 }`.
   */
  readonly restartBackoff?: RestartBackoff;
}

/**
 * An InformerCache on client-node's ListWatch. ListWatch already relists on 410 Gone and reconnects when a watch
 * ends; on any other error it emits `error` and stops for good, so this restarts it with exponential backoff.
 */
export function createInformerCache<T extends KubernetesObject>(
  options: InformerCacheOptions<T>,
): InformerCache<T> {
  return new ListWatchCache(options);
}

class ListWatchCache<T extends KubernetesObject> implements InformerCache<T> {
  readonly resource: string;
  private readonly objects = new Map<string, T>();
  private readonly handlers = new Set<CacheEventHandler<T>>();
  private readonly listWatch: ListWatch<T>;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private stopped = true;
  private synced = false;
  private listed = false;
  private consecutiveFailures = 0;
  private cancelRestart: (() => void) | undefined;
  private stopController = new AbortController();
  private starting:
    | { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void }
    | undefined;

  constructor(options: InformerCacheOptions<T>) {
    this.resource = options.resource;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? silentLogger()).child({ informer: options.resource });
    this.initialBackoffMs = options.restartBackoff?.initialMs ?? 1000;
    this.maxBackoffMs = options.restartBackoff?.maxMs ?? 30_000;
    const decode = options.decode ?? ((object: T) => object);

    const watch = new HookedWatch(options.kubeConfig, {
      beforeWatch: () => {
        if (this.stopped) return false;
        // ListWatch asks for the watch right after it has put a successful list into its cache.
        if (this.listed && !this.synced) this.markSynced();
        return true;
      },
      onEvent: (type, object) => {
        this.consecutiveFailures = 0;
        return type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED' ? decode(object as T) : object;
      },
    });
    const list = async (): Promise<KubernetesListObject<T>> => {
      const result = await options.list();
      this.listed = true;
      return { ...result, items: result.items.map(decode) };
    };
    this.listWatch = new ListWatch(
      options.path,
      watch,
      list,
      false,
      options.labelSelector,
      options.fieldSelector,
      { delayFn: (ms) => this.delay(ms) },
    );
    this.listWatch.on('add', (object) => this.onAdd(object));
    this.listWatch.on('update', (object) => this.onUpdate(object));
    this.listWatch.on('delete', (object) => this.onDelete(object));
    this.listWatch.on('error', (error) => this.onError(error));
  }

  start(): Promise<void> {
    if (this.starting) return this.starting.promise;
    this.stopped = false;
    this.stopController = new AbortController();
    let resolve!: () => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Marks the rejection handled for callers that fire and forget; whoever awaits still sees it.
    promise.catch(() => {});
    this.starting = { promise, resolve, reject };
    if (this.synced) resolve();
    void this.run();
    return promise;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.cancelRestart?.();
    this.cancelRestart = undefined;
    this.stopController.abort();
    void this.listWatch.stop();
    if (!this.synced) {
      this.starting?.reject(new Error(`${this.resource} informer stopped before its first list`));
    }
    this.starting = undefined;
  }

  hasSynced(): boolean {
    return this.synced;
  }

  list(): readonly T[] {
    return [...this.objects.values()];
  }

  get(key: string): T | undefined {
    return this.objects.get(key);
  }

  addHandler(handler: CacheEventHandler<T>): () => void {
    // A wrapper per registration, so the same handler object can be added twice and removed independently.
    const registered: CacheEventHandler<T> = { ...handler };
    this.handlers.add(registered);
    return () => {
      this.handlers.delete(registered);
    };
  }

  private async run(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.listWatch.start();
    } catch (error) {
      this.onError(error);
    }
  }

  private markSynced(): void {
    this.synced = true;
    this.logger.debug({ objects: this.objects.size }, 'informer synced');
    this.starting?.resolve();
  }

  private onError(error: unknown): void {
    // Stopping aborts the watch request, which client-node reports as an error too.
    if (this.stopped || this.cancelRestart) return;
    this.consecutiveFailures += 1;
    const delayMs = Math.min(this.initialBackoffMs * 2 ** (this.consecutiveFailures - 1), this.maxBackoffMs);
    this.logger.warn(
      { err: error, statusCode: statusCodeOf(error), retryInMs: delayMs, failures: this.consecutiveFailures },
      'list/watch failed; restarting',
    );
    this.cancelRestart = this.clock.setTimer(() => {
      this.cancelRestart = undefined;
      void this.run();
    }, delayMs);
  }

  private async delay(ms: number): Promise<void> {
    try {
      await sleep(this.clock, Math.min(ms, this.maxBackoffMs), this.stopController.signal);
    } catch {
      // Stopped while waiting: HookedWatch refuses the reconnect that follows.
    }
  }

  private onAdd(object: T): void {
    this.objects.set(objectKey(object), object);
    this.dispatch('add', (handler) => handler.onAdd?.(object));
  }

  private onUpdate(object: T): void {
    const key = objectKey(object);
    const previous = this.objects.get(key) ?? object;
    this.objects.set(key, object);
    this.dispatch('update', (handler) => handler.onUpdate?.(object, previous));
  }

  private onDelete(object: T): void {
    this.objects.delete(objectKey(object));
    this.dispatch('delete', (handler) => handler.onDelete?.(object));
  }

  /** A throwing handler must not break the others, nor the watch (client-node would swallow it silently). */
  private dispatch(event: string, call: (handler: CacheEventHandler<T>) => void): void {
    for (const handler of [...this.handlers]) {
      try {
        call(handler);
      } catch (error) {
        this.logger.error({ err: error, event }, 'informer event handler threw');
      }
    }
  }
}

function statusCodeOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { statusCode, code } = error as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}
