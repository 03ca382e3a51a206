import type { ServerResponse } from 'node:http';
import { statusBody } from './api-errors.js';
import type { JsonObject } from './json.js';
import type { ObjectMatcher } from './matcher.js';
import { namespaceOf } from './object-meta.js';
import type { ResourceType } from './resources.js';
import { apiVersionOf, resourceKey } from './resources.js';
import type { Store, StoreEvent } from './store.js';

/**
 * Watch streams as the watch cache serves them: newline-delimited JSON events over a chunked 200 reply,
 * synthetic ADDED events for a watch without a resourceVersion (or "0"), replay from history otherwise,
 * an ERROR 410 event when that history is gone, selector transitions turned into ADDED/DELETED, periodic
 * BOOKMARKs for clients that asked, and timeoutSeconds ending the stream.
 */
export interface WatchRequest {
  readonly resource: ResourceType;
  /** undefined: every namespace (or a cluster-scoped resource). */
  readonly namespace: string | undefined;
  readonly matches: ObjectMatcher;
  /** The parsed resourceVersion; undefined for "" and "0". */
  readonly resourceVersion: number | undefined;
  readonly timeoutSeconds: number | undefined;
  readonly allowBookmarks: boolean;
  readonly sendInitialEvents: boolean;
  /** Re-encodes each object sent (e.g. as a Table row); `first` is true for the stream's first object. */
  readonly encode?: (object: JsonObject, first: boolean) => JsonObject;
}

type WireEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export class WatchHub {
  private readonly store: Store;
  private readonly bookmarkIntervalMs: number;
  private readonly open = new Set<() => void>();

  constructor(store: Store, bookmarkIntervalMs: number) {
    this.store = store;
    this.bookmarkIntervalMs = bookmarkIntervalMs;
  }

  /** Ends every open watch; clients see a normal end of stream and must re-watch. */
  closeAll(): void {
    for (const close of [...this.open]) close();
  }

  serve(request: WatchRequest, res: ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    let first = true;
    const send = (type: WireEventType, object: JsonObject) => {
      if (res.writableEnded) return;
      const encoded =
        request.encode && type !== 'BOOKMARK' && type !== 'ERROR' ? request.encode(object, first) : object;
      if (encoded !== object) first = false;
      res.write(`${JSON.stringify({ type, object: encoded })}\n`);
    };

    const key = resourceKey(request.resource);
    let lastRv = this.store.currentRv();
    let timeoutTimer: NodeJS.Timeout | undefined;
    let bookmarkTimer: NodeJS.Timeout | undefined;
    let unsubscribe: () => void = () => undefined;
    const close = () => {
      this.open.delete(close);
      unsubscribe();
      clearTimeout(timeoutTimer);
      clearTimeout(bookmarkTimer);
      if (!res.writableEnded) res.end();
    };

    const deliver = (event: StoreEvent) => {
      if (event.resourceKey !== key) return;
      lastRv = event.rv;
      if (request.namespace !== undefined && namespaceOf(event.object) !== request.namespace) return;
      const type = transition(event, request.matches);
      if (type) send(type, event.object);
    };

    if (request.resourceVersion === undefined || request.sendInitialEvents) {
      const objects = this.store.list(key, request.namespace).filter(request.matches);
      for (const obj of objects) send('ADDED', obj);
      if (request.sendInitialEvents && request.allowBookmarks) {
        send('BOOKMARK', this.bookmark(request.resource, lastRv, true));
      }
    } else {
      const backlog = this.store.eventsAfter(request.resourceVersion);
      if (backlog === 'expired') {
        send(
          'ERROR',
          statusBody(
            410,
            'Expired',
            `too old resource version: ${request.resourceVersion} (${this.store.oldestWatchableRv()})`,
          ),
        );
        res.end();
        return;
      }
      for (const event of backlog) deliver(event);
    }
    // Subscribing in the same tick as the replay means no event can fall between the two.
    unsubscribe = this.store.subscribe(deliver);
    this.open.add(close);
    res.on('close', close);

    if (request.timeoutSeconds !== undefined && request.timeoutSeconds > 0) {
      timeoutTimer = setTimeout(close, request.timeoutSeconds * 1000);
    }
    if (request.allowBookmarks && this.bookmarkIntervalMs > 0) {
      const tick = () => {
        send('BOOKMARK', this.bookmark(request.resource, Math.max(lastRv, this.store.currentRv()), false));
        bookmarkTimer = setTimeout(tick, this.bookmarkIntervalMs);
      };
      bookmarkTimer = setTimeout(tick, this.bookmarkIntervalMs);
    }
  }

  private bookmark(resource: ResourceType, rv: number, initialEventsEnd: boolean): JsonObject {
    const metadata: JsonObject = { resourceVersion: String(rv) };
    if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    return { kind: resource.kind, apiVersion: apiVersionOf(resource), metadata };
  }
}

/** How the cacher reports a change to a filtered watch: entering the filter is ADDED, leaving it DELETED. */
function transition(event: StoreEvent, matches: ObjectMatcher): 'ADDED' | 'MODIFIED' | 'DELETED' | undefined {
  const now = matches(event.object);
  if (event.type === 'DELETED') return matches(event.previous ?? event.object) ? 'DELETED' : undefined;
  const before = event.previous !== undefined && matches(event.previous);
  if (event.type === 'ADDED') return now ? 'ADDED' : undefined;
  if (now && before) return 'MODIFIED';
  if (now) return 'ADDED';
  if (before) return 'DELETED';
  return undefined;
}
