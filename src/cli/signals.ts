/** Resolves on SIGINT/SIGTERM (or after an optional limit), so commands can stop what they started, in order. */
export interface StopSignal {
  /** Resolves with the stop reason, or with undefined after `ms` if nothing asked to stop by then. */
  wait(ms: number): Promise<string | undefined>;
  readonly stopped: Promise<string>;
}

export function waitForStopSignal(limitMs?: number): StopSignal {
  let resolveStopped: (reason: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => {
    resolveStopped = resolve;
  });
  const onSignal = (signal: NodeJS.Signals) => resolveStopped(signal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const limit =
    limitMs === undefined ? undefined : setTimeout(() => resolveStopped('duration elapsed'), limitMs);
  void stopped.then(() => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (limit) clearTimeout(limit);
  });
  return {
    stopped,
    wait(ms) {
      return new Promise((resolve) => {
        const timer = setTimeout(() => resolve(undefined), ms);
        void stopped.then((reason) => {
          clearTimeout(timer);
          resolve(reason);
        });
      });
    },
  };
}
