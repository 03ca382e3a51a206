/** Small helpers shared by the benchmark scripts: output, polling with a deadline, reading Skyway's own metrics. */

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls `check` every 250 ms until it is true; throws naming `what` after `timeoutMs`. */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench: ${what} not reached within ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** Reconciles of one controller so far, every result summed, from the Prometheus text of the registry. */
export async function reconciles(metricsText: () => Promise<string>, controller: string): Promise<number> {
  const pattern = new RegExp(
    `^skyway_reconcile_total\\{controller="${controller}",result="[a-z]+"\\} (\\d+)$`,
    'gm',
  );
  let total = 0;
  for (const match of (await metricsText()).matchAll(pattern)) total += Number(match[1]);
  return total;
}
