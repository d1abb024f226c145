/**
 * The benchmark runner behind `pnpm bench` (never part of the tests).
 *
 * Run from a package directory (`tsx ../core-tensor/bench/run.ts`, or
 * `tsx bench/run.ts` in core-tensor): it loads that package's
 * `bench/*.bench.ts` suites, times every case on webgrad's CPU backend and on
 * tfjs (pure-JS CPU backend, WebAssembly SIMD backend on one thread and, where
 * tfjs has threads, two), adds the optional numpy anchor, prints medians and
 * ratios, and writes `bench/results/<package>-<time>.json` at the repo root.
 *
 * Engines are measured in `--rounds=N` (default 3) interleaved rounds, each
 * taking a share of the timing budget, and the median is taken over all of a
 * pair's samples: a burst of load on a shared machine then falls on every
 * engine alike instead of on whichever ran at the time.
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed),
 * `--only=key,key` (case keys or key prefixes), `--engines=id,id` (engine
 * ids, e.g. `webgrad-cpu,tfjs-wasm`), `--no-numpy`, `--no-tfjs-cpu`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchStep, BenchSuite } from './bench-case.js';
import { tfjsCpuEngine, tfjsWasmEngine, webgradEngines, type Engine } from './engines.js';
import { runNumpyAnchor } from './numpy-anchor.js';
import { formatReport, writeRecord, type BenchRecord, type CaseResult, type Column } from './report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, collect, isSlow, perRound, summarize } from './timing.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const engineFilter = args.find((a) => a.startsWith('--engines='))?.slice('--engines='.length).split(',').filter(Boolean) ?? [];
const budget = flag('quick') ? QUICK_BUDGET : DEFAULT_BUDGET;
const rounds = flag('quick') ? 1 : Math.max(1, Number(args.find((a) => a.startsWith('--rounds='))?.slice('--rounds='.length) ?? 3));

function repoRootFrom(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(join(d, 'pnpm-workspace.yaml'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`bench: no pnpm-workspace.yaml above ${dir}`);
    d = up;
  }
  return d;
}

async function loadSuites(pkgDir: string): Promise<BenchSuite[]> {
  const dir = join(pkgDir, 'bench');
  const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
  const suites: BenchSuite[] = [];
  for (const f of files) suites.push(((await import(pathToFileURL(join(dir, f)).href)) as { suite: BenchSuite }).suite);
  return suites;
}

function gitCommit(root: string): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

async function main(): Promise<void> {
  const pkgDir = process.cwd();
  const root = repoRootFrom(pkgDir);
  const pkgName = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { name: string }).name;
  const suites = await loadSuites(pkgDir);
  const cases = suites.flatMap((s) => s.cases.map((c) => ({ suite: s.name, c }))).filter(({ c }) => only.length === 0 || only.some((o) => c.key.startsWith(o)));
  const engines: Engine[] = [...webgradEngines(), ...(flag('no-tfjs-cpu') ? [] : [tfjsCpuEngine()]), tfjsWasmEngine(1), tfjsWasmEngine(2)].filter(
    (e) => engineFilter.length === 0 || engineFilter.includes(e.id),
  );
  const columns: Column[] = [];
  const engineDetails: Record<string, Record<string, unknown>> = {};
  const results: CaseResult[] = cases.map(({ suite, c }) => ({ key: c.key, title: c.title, suite, ...(c.flops ? { flops: c.flops } : {}), timings: {}, failures: {} }));
  console.log(`bench ${pkgName}: ${cases.length} case(s) × ${engines.length} engine(s)${flag('quick') ? ' (quick: not a measurement)' : ''}`);
  const samples = results.map(() => new Map<string, number[]>());
  const numpyRounds: Record<string, number[]> = {};
  let numpyMeta: Record<string, string> = {};
  let numpySkipped: string | undefined;
  for (let round = 0; round < rounds; round++) {
    if (rounds > 1) console.log(`round ${round + 1} of ${rounds}`);
    for (const e of engines) {
      if (round > 0 && columns.find((c) => c.id === e.id)?.skipped) continue;
      const skipped = await e.prepare();
      if (round === 0) {
        columns.push({ id: e.id, label: e.label, isWebgrad: e.isWebgrad, ...(skipped ? { skipped } : {}) });
        if (skipped) {
          console.log(`  ${e.id}: skipped (${skipped})`);
          continue;
        }
        engineDetails[e.id] = e.details();
      }
      cases.forEach(({ c }, i) => {
        if (results[i]!.failures[e.id]) return;
        let step: BenchStep | undefined;
        try {
          step = e.build(c);
          const before = samples[i]!.get(e.id) ?? [];
          const s = collect(() => step!.run(), perRound(budget, rounds, isSlow(before)));
          const all = [...before, ...s];
          samples[i]!.set(e.id, all);
          results[i]!.timings[e.id] = summarize(all);
          console.log(`  ${e.id.padEnd(16)} ${c.key.padEnd(12)} ${summarize(s).medianMs.toFixed(2)} ms (median of ${s.length} this round)`);
        } catch (err) {
          // one engine lacking a kernel must not hide the other measurements
          const msg = (err as Error).message.split('\n')[0]!;
          results[i]!.failures[e.id] = msg;
          console.log(`  ${e.id.padEnd(16)} ${c.key.padEnd(12)} failed: ${msg}`);
        } finally {
          step?.dispose();
        }
      });
    }
    if (!flag('no-numpy') && numpySkipped === undefined) {
      const anchor = runNumpyAnchor(cases.map(({ c }) => c.key), flag('quick'));
      numpySkipped = anchor.skipped;
      numpyMeta = anchor.meta;
      for (const [k, t] of Object.entries(anchor.timings)) (numpyRounds[k] ??= []).push(t.medianMs);
    }
  }
  if (!flag('no-numpy')) {
    columns.push({ id: 'numpy', label: 'numpy (OpenBLAS)', isWebgrad: false, ...(numpySkipped ? { skipped: numpySkipped } : {}) });
    engineDetails.numpy = numpyMeta;
    // the anchor reports one median per round; the median of those
    for (const r of results) if (numpyRounds[r.key]) r.timings.numpy = { ...summarize(numpyRounds[r.key]!), runs: numpyRounds[r.key]!.length };
  }
  console.log(formatReport(columns, results));
  const record: BenchRecord = {
    package: pkgName,
    date: new Date().toISOString(),
    environment: {
      commit: gitCommit(root),
      node: process.version,
      v8: process.versions.v8,
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      quick: flag('quick'),
      rounds,
      loadAverage: loadavg(),
    },
    columns,
    engines: engineDetails,
    results,
  };
  console.log(`\nwrote ${writeRecord(root, record)}`);
  // tfjs and worker threads keep handles open; the measurements are done
  process.exit(0);
}

await main();
