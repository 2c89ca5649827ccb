/**
 * Benchmarks for `npm run bench`. Machines here are noisy: report medians
 * and percentiles over many samples, and compare alternatives measured side
 * by side in the same run (interleaved rounds), never against a number from
 * another run.
 */

export interface Sample {
  name: string;
  samples: number;
  medianMs: number;
  p99Ms: number;
  opsPerSecond: number;
}

export interface BenchContext {
  /** Prints a line of the report. */
  log(line?: string): void;
  /** Records a figure for the summary (and the JSON report with --json). */
  figure(name: string, value: number, unit: string): void;
}

export interface Suite {
  name: string;
  run(context: BenchContext): Promise<void>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export function summarize(name: string, durationsMs: number[]): Sample {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const median = percentile(sorted, 50);
  return { name, samples: sorted.length, medianMs: median, p99Ms: percentile(sorted, 99), opsPerSecond: median > 0 ? 1000 / median : Infinity };
}

/** Times `fn` `iterations` times after `warmup` untimed runs. */
export async function measure(name: string, fn: () => unknown, options: { iterations: number; warmup?: number }): Promise<Sample> {
  for (let i = 0; i < (options.warmup ?? Math.min(50, options.iterations)); i++) await fn();
  const durations: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  return summarize(name, durations);
}

/**
 * Measures several alternatives in interleaved rounds so that whatever else
 * the machine is doing affects them alike; returns one Sample each.
 */
export async function measureSideBySide(
  alternatives: Record<string, () => unknown>,
  options: { rounds: number; perRound: number; warmup?: number },
): Promise<Record<string, Sample>> {
  const names = Object.keys(alternatives);
  const durations = Object.fromEntries(names.map((name) => [name, [] as number[]]));
  for (const name of names) for (let i = 0; i < (options.warmup ?? 20); i++) await alternatives[name]!();
  for (let round = 0; round < options.rounds; round++) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      for (let i = 0; i < options.perRound; i++) {
        const start = performance.now();
        await alternatives[name]!();
        durations[name]!.push(performance.now() - start);
      }
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(name, durations[name]!)]));
}

/** Throughput of a synchronous function in a tight loop, median of `rounds` timed batches. */
export function throughput(fn: () => unknown, options: { batch: number; rounds: number }): { opsPerSecond: number; rounds: number[] } {
  for (let i = 0; i < options.batch; i++) fn();
  const rates: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const start = performance.now();
    for (let i = 0; i < options.batch; i++) fn();
    rates.push((options.batch / (performance.now() - start)) * 1000);
  }
  const sorted = [...rates].sort((a, b) => a - b);
  return { opsPerSecond: percentile(sorted, 50), rounds: rates };
}

export function formatSample(sample: Sample): string {
  return `${sample.name.padEnd(44)} median ${sample.medianMs.toFixed(3).padStart(9)} ms   p99 ${sample.p99Ms.toFixed(3).padStart(9)} ms   ${Math.round(sample.opsPerSecond).toLocaleString('en-US').padStart(10)} ops/s   (n=${sample.samples})`;
}

/**
 * Peak resident memory above the starting point while `fn` runs, sampled
 * every 50 ms. With `settle`, collects garbage first (when node runs with
 * --expose-gc) so the base is not inflated by an earlier step's garbage.
 */
export async function withPeakRss<T>(fn: () => Promise<T>, options: { settle?: boolean } = {}): Promise<{ result: T; peakMb: number }> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (options.settle) gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peakMb: (peak - base) / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}
