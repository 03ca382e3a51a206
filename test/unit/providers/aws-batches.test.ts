import { describe, expect, it } from 'vitest';
import { allPages, chunk, MAX_FILTER_VALUES } from '../../../providers/aws/batches.js';

describe('describe batches', () => {
  it('splits filter values into chunks of at most 200', () => {
    const values = Array.from({ length: 450 }, (_, index) => `i-${index}`);
    expect(chunk(values).map((part) => part.length)).toEqual([MAX_FILTER_VALUES, MAX_FILTER_VALUES, 50]);
    expect(chunk([])).toEqual([]);
  });

  it('follows NextToken to the last page', async () => {
    const pages: Record<string, { items: number[]; nextToken?: string }> = {
      start: { items: [1, 2], nextToken: 'p2' },
      p2: { items: [3], nextToken: 'p3' },
      p3: { items: [4] },
    };
    const asked: (string | undefined)[] = [];
    const items = await allPages(async (token) => {
      asked.push(token);
      return pages[token ?? 'start'] ?? { items: [] };
    });
    expect(items).toEqual([1, 2, 3, 4]);
    expect(asked).toEqual([undefined, 'p2', 'p3']);
  });

  it('stops when a token comes back twice instead of looping forever', async () => {
    let calls = 0;
    const items = await allPages(async () => {
      calls += 1;
      return { items: [calls], nextToken: 'same' };
    });
    expect(items).toEqual([1, 2]);
  });
});
