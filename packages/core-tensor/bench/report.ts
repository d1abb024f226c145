import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Timing } from './timing.js';

/** A column of the table: an engine or the numpy anchor. */
export interface Column {
  /** Key in the JSON (`webgrad-cpu`, `tfjs-wasm`, `numpy`). */
  id: string;
  /** Header text. */
  label: string;
  /** Whether ratios are computed for this column (webgrad's). */
  isWebgrad: boolean;
  /** Why the column has no numbers, when it has none. */
  skipped?: string;
}

/** The measurements of one case across every column. */
export interface CaseResult {
  /** Case key (`matmul-512`). */
  key: string;
  /** Case title. */
  title: string;
  /** Suite it belongs to. */
  suite: string;
  /** Floating-point operations per step, if meaningful. */
  flops?: number;
  /** Timing per column id (absent where the column was skipped or failed). */
  timings: Record<string, Timing>;
  /** Error message per column id where the step threw. */
  failures: Record<string, string>;
}

function gflops(flops: number | undefined, t: Timing): string {
  return flops === undefined ? '' : ` ${(flops / t.medianMs / 1e6).toFixed(1).padStart(5)} GFLOP/s`;
}

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/**
 * The printed comparison: one table per suite (median ms and GFLOP/s per
 * column), then for each webgrad column its speed ratio against every other
 * column (reference median ÷ webgrad median: above 1 means webgrad is faster).
 */
export function formatReport(columns: readonly Column[], results: readonly CaseResult[]): string {
  const lines: string[] = [];
  const live = columns.filter((c) => !c.skipped);
  const caseWidth = Math.max(...results.map((r) => r.key.length), 8);
  const cell = 26;
  for (const suite of [...new Set(results.map((r) => r.suite))]) {
    lines.push('', `== ${suite} ==`);
    lines.push(['case'.padEnd(caseWidth), ...live.map((c) => c.label.padStart(cell))].join(' '));
    for (const r of results.filter((x) => x.suite === suite)) {
      const cells = live.map((c) => {
        const t = r.timings[c.id];
        return (t ? `${fmtMs(t.medianMs)} ms${gflops(r.flops, t)}` : r.failures[c.id] ? 'failed' : '—').padStart(cell);
      });
      lines.push([r.key.padEnd(caseWidth), ...cells].join(' '));
    }
  }
  lines.push('', 'ratios (reference median / webgrad median; > 1 means webgrad is faster):');
  for (const w of live.filter((c) => c.isWebgrad)) {
    for (const r of results) {
      const mine = r.timings[w.id];
      if (!mine) continue;
      const parts = live
        .filter((c) => !c.isWebgrad && r.timings[c.id])
        .map((c) => `${(r.timings[c.id]!.medianMs / mine.medianMs).toFixed(2)}x vs ${c.id}`);
      lines.push(`  ${w.id.padEnd(16)} ${r.key.padEnd(caseWidth)} ${parts.join(', ')}`);
    }
  }
  for (const r of results) for (const [id, msg] of Object.entries(r.failures)) lines.push(`  ${id} failed on ${r.key}: ${msg}`);
  const skipped = columns.filter((c) => c.skipped);
  if (skipped.length) {
    lines.push('', 'not measured:');
    for (const c of skipped) lines.push(`  ${c.id}: ${c.skipped}`);
  }
  return lines.join('\n');
}

/** Everything one run wrote: environment, columns and results. */
export interface BenchRecord {
  /** The package whose benchmarks ran. */
  package: string;
  /** ISO time of the run. */
  date: string;
  /** Machine, runtime and library facts. */
  environment: Record<string, unknown>;
  /** The columns (with skip reasons). */
  columns: Column[];
  /** Per-engine details reported once prepared. */
  engines: Record<string, Record<string, unknown>>;
  /** The measurements. */
  results: CaseResult[];
}

/**
 * Writes `record` to `<repo>/bench/results/<package>-<timestamp>.json`
 * atomically (a `.tmp` file renamed into place) and returns the path.
 */
export function writeRecord(repoRoot: string, record: BenchRecord): string {
  const dir = join(repoRoot, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = record.date.replace(/[:]/g, '').replace(/\..*$/, '');
  const name = `${record.package.replace(/^@webgrad\//, '')}-${stamp}.json`;
  const path = join(dir, name);
  writeFileSync(`${path}.tmp`, JSON.stringify(record, null, 2) + '\n');
  renameSync(`${path}.tmp`, path);
  return path;
}

/** The repository root above `dir` (the folder holding pnpm-workspace.yaml). */
export function findRepoRoot(dir: string): string {
  let d = resolve(dir);
  while (!existsSync(join(d, 'pnpm-workspace.yaml'))) {
    const up = dirname(d);
    if (up === d) throw new Error(`bench: no pnpm-workspace.yaml above ${dir}`);
    d = up;
  }
  return d;
}

/**
 * What a results file records about the run: the git commit, Node, the CPU
 * model, cores and memory, plus `extra` (e.g. `{ quick }`).
 */
export function benchEnvironment(repoRoot: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return {
    commit: commit.status === 0 ? commit.stdout.trim() : 'unknown',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    ...extra,
  };
}
