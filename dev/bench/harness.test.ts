import { describe, expect, it } from 'vitest';
import { measureSideBySide, percentile, summarize } from './harness';

describe('bench harness', () => {
  it('computes nearest-rank percentiles and medians', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(percentile(sorted, 50)).toBe(5);
    expect(percentile(sorted, 99)).toBe(10);
    expect(percentile(sorted, 0)).toBe(1);
    expect(summarize('x', [4, 1, 3, 2])).toMatchObject({ samples: 4, medianMs: 2, p99Ms: 4, opsPerSecond: 500 });
  });

  it('gives every alternative the same number of interleaved samples', async () => {
    const order: string[] = [];
    const result = await measureSideBySide({ a: () => order.push('a'), b: () => order.push('b') }, { rounds: 3, perRound: 2, warmup: 0 });
    expect(result.a!.samples).toBe(6);
    expect(result.b!.samples).toBe(6);
    expect(order.join('')).toBe('aabbbbaaaabb');
  });
});
