/**
 * EC2 limits a filter to 200 values; describe calls are split into chunks of that size, never one call per
 * object.
 */
export const MAX_FILTER_VALUES = 200;

export function chunk<T>(values: readonly T[], size: number = MAX_FILTER_VALUES): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < values.length; start += size) chunks.push(values.slice(start, start + size));
  return chunks;
}

/**
 * Follows `NextToken` until the last page. `fetch` gets the token to send (undefined first) and returns the page's
 * items and the next token.
 */
export async function allPages<T>(
  fetch: (
    nextToken: string | undefined,
  ) => Promise<{ readonly items: readonly T[]; readonly nextToken?: string }>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetch(token);
    items.push(...page.items);
    token = page.nextToken || undefined;
    // A token coming back twice would loop forever; EC2 never does that, a broken emulator might.
    if (token !== undefined) {
      if (seen.has(token)) break;
      seen.add(token);
    }
  } while (token !== undefined);
  return items;
}
