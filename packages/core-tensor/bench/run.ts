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
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed),
 * `--only=key,key` (case keys or key prefixes), `--engines=id,id` (engine
 * ids, e.g. `webgrad-cpu,tfjs-wasm`), `--no-numpy`, `--no-tfjs-cpu`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchStep, BenchSuite } from './bench-case.js';
import { tfjsCpuEngine, tfjsWasmEngine, webgradEngines, type Engine } from './engines.js';
import { runNumpyAnchor } from './numpy-anchor.js';
import { formatReport, writeRecord, type BenchRecord, type CaseResult, type Column } from './report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, measure } from './timing.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const engineFilter = args.find((a) => a.startsWith('--engines='))?.slice('--engines='.length).split(',').filter(Boolean) ?? [];
const budget = flag('quick') ? QUICK_BUDGET : DEFAULT_BUDGET;

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
  for (const e of engines) {
    const skipped = await e.prepare();
    columns.push({ id: e.id, label: e.label, isWebgrad: e.isWebgrad, ...(skipped ? { skipped } : {}) });
    if (skipped) {
      console.log(`  ${e.id}: skipped (${skipped})`);
      continue;
    }
    engineDetails[e.id] = e.details();
    cases.forEach(({ c }, i) => {
      let step: BenchStep | undefined;
      try {
        step = e.build(c);
        const t = measure(() => step!.run(), budget);
        results[i]!.timings[e.id] = t;
        console.log(`  ${e.id.padEnd(16)} ${c.key.padEnd(12)} ${t.medianMs.toFixed(2)} ms (median of ${t.runs})`);
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
  if (!flag('no-numpy')) {
    const anchor = runNumpyAnchor(cases.map(({ c }) => c.key), flag('quick'));
    columns.push({ id: 'numpy', label: 'numpy (OpenBLAS)', isWebgrad: false, ...(anchor.skipped ? { skipped: anchor.skipped } : {}) });
    engineDetails.numpy = anchor.meta;
    for (const r of results) if (anchor.timings[r.key]) r.timings.numpy = anchor.timings[r.key]!;
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
