// `node scripts/run.mjs dev/bench/verify-memory.ts <database url>`: runs `audit verify` as the CLI does,
// in a process of its own, and prints one JSON line: its resident memory over the walk (the lists bench reads it).
import { verifyAuditChain } from '@/lib/identity/audit/verify';

const url = process.argv[2];
if (!url) throw new Error('usage: verify-memory.ts <database url>');
const base = process.memoryUsage().rss;
const samples: number[] = [];
const timer = setInterval(() => samples.push(process.memoryUsage().rss), 50);
const start = performance.now();
const result = await verifyAuditChain({ url });
clearInterval(timer);
samples.push(process.memoryUsage().rss);
const mb = (bytes: number) => Number(((bytes - base) / 2 ** 20).toFixed(1));
const half = Math.floor(samples.length / 2);
console.log(
  JSON.stringify({
    ok: result.ok,
    checked: result.checked,
    seconds: (performance.now() - start) / 1000,
    peakMb: mb(Math.max(...samples)),
    firstHalfPeakMb: mb(Math.max(...samples.slice(0, Math.max(1, half)))),
    secondHalfPeakMb: mb(Math.max(...samples.slice(half))),
  }),
);
process.exit(0);
