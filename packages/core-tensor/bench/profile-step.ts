/**
 * Runs one benchmark case's webgrad step over and over, for a CPU profile:
 *
 *     node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/profile-step.ts overhead-mlp [seconds] [threads]
 *     pnpm exec tsx bench/cpu-profile-summary.ts /tmp/prof/<file>.cpuprofile
 *
 * Run from packages/core-tensor. The step is warmed up for a second first,
 * so the profile shows steady state rather than compilation.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { configureCpu } from '@webgrad/core-tensor';
import type { BenchSuite } from './bench-case.js';

const [key = 'overhead-mlp', seconds = '10', threads = '1'] = process.argv.slice(2);
const dir = dirname(fileURLToPath(import.meta.url));
const suites: BenchSuite[] = [];
for (const f of readdirSync(dir).filter((n) => n.endsWith('.bench.ts'))) suites.push(((await import(pathToFileURL(join(dir, f)).href)) as { suite: BenchSuite }).suite);
const c = suites.flatMap((s) => s.cases).find((x) => x.key === key);
if (c === undefined) throw new Error(`profile-step: no case '${key}' (have ${suites.flatMap((s) => s.cases.map((x) => x.key)).join(', ')})`);
await configureCpu({ threads: Number(threads) });
const step = c.webgrad();
const until = (ms: number): number => {
  let n = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    step.run();
    n++;
  }
  return n;
};
until(1000);
const t0 = performance.now();
const n = until(Number(seconds) * 1000);
console.log(`${key}: ${n} steps, ${((performance.now() - t0) / n).toFixed(3)} ms a step`);
step.dispose();
process.exit(0);
