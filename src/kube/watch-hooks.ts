import { type KubeConfig, Watch } from '@kubernetes/client-node';

export interface WatchHooks {
  /** Called before each watch request; false means "do not send it" (the informer was stopped meanwhile). */
  beforeWatch(): boolean;
  /** Called with every watch event's object; returns the object the informer should cache. */
  onEvent(type: string, object: unknown): unknown;
}

/**
 * client-node's Watch with two hooks the ListWatch does not offer: a last look before (re)connecting, because
 * ListWatch reconnects after its backoff sleep even when stopped meanwhile; and a transform of each event, so
 * watched objects get the same typed shape as listed ones.
 */
export class HookedWatch extends Watch {
  private readonly hooks: WatchHooks;

  constructor(kubeConfig: KubeConfig, hooks: WatchHooks) {
    super(kubeConfig);
    this.hooks = hooks;
  }

  override async watch(
    path: string,
    queryParams: Record<string, string | number | boolean | undefined>,
    // biome-ignore lint/suspicious/noExplicitAny: the signature of the method we override.
    callback: (phase: string, apiObj: any, watchObj?: any) => void,
    // biome-ignore lint/suspicious/noExplicitAny: the signature of the method we override.
    done: (err: any) => void,
  ): Promise<AbortController> {
    if (!this.hooks.beforeWatch()) return abortedController();
    try {
      return await super.watch(
        path,
        queryParams,
        (phase, object, watchObject) => callback(phase, this.hooks.onEvent(phase, object), watchObject),
        done,
      );
    } catch (error) {
      // Watch throws (rather than calling done) when authentication fails, e.g. an unreadable token file. On a
      // reconnect nobody awaits that promise, so it would be an unhandled rejection; report it as a watch error.
      done(error);
      return abortedController();
    }
  }
}

function abortedController(): AbortController {
  const controller = new AbortController();
  controller.abort();
  return controller;
}
