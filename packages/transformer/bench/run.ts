/**
 * The transformer benchmark behind `pnpm bench` (never part of the tests):
 * a GPT training step (4 layers, 4 heads, d = 128, context 128, batch 16)
 * and generation of 127 tokens with and without the KV cache, on webgrad's
 * CPU backend (one thread and two), on webgrad's WebGPU backend when an
 * adapter exists, and on PyTorch's CPU (the same model written in torch,
 * one thread) measured in the same run. Prints wall-clock and process
 * CPU-time medians, tokens per second and ratios; writes
 * `bench/results/transformer-<time>.json` at the repo root.
 *
 * Flags: `--quick` (two timed runs each: checks the harness, not the speed),
 * `--only=key,key` (case key prefixes), `--engines=id,id` (`webgrad-cpu`,
 * `webgrad-cpu-2t`, `webgrad-webgpu`), `--no-webgpu`, `--no-torch`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backendInfo, configureCpu, findBackend, init, setBackend } from '@webgrad/core-tensor';
import { benchEnvironment, findRepoRoot, formatReport, writeRecord, type BenchRecord, type CaseResult, type Column } from '../../core-tensor/bench/report.js';
import { DEFAULT_BUDGET, QUICK_BUDGET, summarize, type Timing, type TimingBudget } from '../../core-tensor/bench/timing.js';
import { GPT_CASES, type AsyncStep } from './gpt-cases.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',').filter(Boolean) ?? [];
const engineFilter = args.find((a) => a.startsWith('--engines='))?.slice('--engines='.length).split(',').filter(Boolean) ?? [];
const budget: TimingBudget = quick ? QUICK_BUDGET : { ...DEFAULT_BUDGET, minRuns: 3 };
const here = dirname(fileURLToPath(import.meta.url));

/** A timing with the median process CPU time of the same runs. */
type CpuTiming = Timing & { cpuMs: number };

async function measure(step: AsyncStep, b: TimingBudget): Promise<CpuTiming> {
  for (let i = 0; i < b.warmup; i++) await step.run();
  const samples: number[] = [];
  const cpu: number[] = [];
  const start = performance.now();
  while (samples.length < b.maxRuns && (samples.length < b.minRuns || performance.now() - start < b.minMs)) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await step.run();
    const c = process.cpuUsage(c0);
    samples.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ...summarize(samples), cpuMs: summarize(cpu).medianMs };
}

interface Engine {
  id: string;
  label: string;
  prepare(): Promise<string | null>;
  backend: string;
}

function cpuEngine(threads: number): Engine {
  return {
    id: threads === 1 ? 'webgrad-cpu' : `webgrad-cpu-${threads}t`,
    label: `webgrad cpu ${threads}t`,
    backend: 'cpu',
    async prepare() {
      setBackend('cpu');
      const s = await configureCpu({ threads });
      return s.threads === threads ? null : `${threads} threads unavailable: ${s.reason}`;
    },
  };
}

const webgpuEngine: Engine = {
  id: 'webgrad-webgpu',
  label: 'webgrad webgpu',
  backend: 'webgpu',
  async prepare() {
    process.env.XDG_RUNTIME_DIR ??= '/tmp';
    try {
      await init({ backend: 'webgpu' });
      setBackend('cpu');
      return null;
    } catch (e) {
      return (e as Error).message;
    }
  },
};

function runTorch(keys: readonly string[]): { timings: Record<string, CpuTiming>; meta: Record<string, string>; skipped?: string } {
  const r = spawnSync('/usr/bin/python3', [join(here, 'torch_reference.py'), ...(quick ? ['--quick'] : []), '--threads', '1', ...keys], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) return { timings: {}, meta: {}, skipped: `torch_reference.py failed or torch is missing: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  const { _meta, ...rest } = JSON.parse(r.stdout) as Record<string, { medianMs: number; cpuMs: number; runs: number } | Record<string, string>>;
  const timings: Record<string, CpuTiming> = {};
  for (const [k, v] of Object.entries(rest)) {
    const t = v as { medianMs: number; cpuMs: number; runs: number };
    timings[k] = { medianMs: t.medianMs, minMs: Number.NaN, runs: t.runs, cpuMs: t.cpuMs };
  }
  return { timings, meta: _meta as Record<string, string> };
}

async function main(): Promise<void> {
  const cases = GPT_CASES.filter((c) => only.length === 0 || only.some((o) => c.key.startsWith(o)));
  const engines = [cpuEngine(1), cpuEngine(2), ...(args.includes('--no-webgpu') ? [] : [webgpuEngine])].filter(
    (e) => engineFilter.length === 0 || engineFilter.includes(e.id),
  );
  const columns: Column[] = [];
  const details: Record<string, Record<string, unknown>> = {};
  const results: (CaseResult & { tokens: number; cpuMs: Record<string, number> })[] = cases.map((c) => ({
    key: c.key,
    title: c.title,
    suite: 'transformer',
    tokens: c.tokens,
    timings: {},
    failures: {},
    cpuMs: {},
  }));
  console.log(`bench @webgrad/transformer: ${cases.length} case(s)${quick ? ' (quick: not a measurement)' : ''}`);
  for (const e of engines) {
    const skipped = await e.prepare();
    columns.push({ id: e.id, label: e.label, isWebgrad: true, ...(skipped ? { skipped } : {}) });
    if (skipped) {
      console.log(`  ${e.id}: skipped (${skipped})`);
      continue;
    }
    details[e.id] = e.backend === 'webgpu' ? { ...findBackend('webgpu').info() } : { ...backendInfo() };
    for (const [i, c] of cases.entries()) {
      let step: AsyncStep | undefined;
      try {
        step = c.build(e.backend);
        const t = await measure(step, budget);
        results[i]!.timings[e.id] = t;
        results[i]!.cpuMs[e.id] = t.cpuMs;
        console.log(`  ${e.id.padEnd(16)} ${c.key.padEnd(18)} ${t.medianMs.toFixed(1)} ms wall, ${t.cpuMs.toFixed(1)} ms cpu, ${((c.tokens / t.medianMs) * 1000).toFixed(0)} tokens/s (median of ${t.runs})`);
      } catch (err) {
        results[i]!.failures[e.id] = (err as Error).message.split('\n')[0]!;
        console.log(`  ${e.id.padEnd(16)} ${c.key.padEnd(18)} failed: ${(err as Error).message}`);
      } finally {
        step?.dispose();
      }
    }
  }
  if (!args.includes('--no-torch')) {
    const torch = runTorch(cases.map((c) => c.key));
    columns.push({ id: 'torch-cpu', label: 'PyTorch cpu 1t', isWebgrad: false, ...(torch.skipped ? { skipped: torch.skipped } : {}) });
    details['torch-cpu'] = torch.meta;
    for (const r of results) {
      const t = torch.timings[r.key];
      if (!t) continue;
      r.timings['torch-cpu'] = t;
      r.cpuMs['torch-cpu'] = t.cpuMs;
      console.log(`  ${'torch-cpu'.padEnd(16)} ${r.key.padEnd(18)} ${t.medianMs.toFixed(1)} ms wall, ${t.cpuMs.toFixed(1)} ms cpu, ${((r.tokens / t.medianMs) * 1000).toFixed(0)} tokens/s`);
    }
  }
  console.log(formatReport(columns, results));
  console.log('\ntokens per second (wall clock | per CPU second):');
  for (const r of results) {
    const cells = columns
      .filter((c) => r.timings[c.id])
      .map((c) => `${c.id} ${((r.tokens / r.timings[c.id]!.medianMs) * 1000).toFixed(0)} | ${((r.tokens / r.cpuMs[c.id]!) * 1000).toFixed(0)}`);
    console.log(`  ${r.key.padEnd(18)} ${cells.join(', ')}`);
  }
  const root = findRepoRoot(here);
  const pkg = JSON.parse(readFileSync(join(here, '..', 'package.json'), 'utf8')) as { name: string };
  const record: BenchRecord = {
    package: pkg.name,
    date: new Date().toISOString(),
    // the load average says how shared the machine was while it measured
    environment: benchEnvironment(root, { loadAverage: loadavg(), quick }),
    columns,
    engines: details,
    results,
  };
  console.log(`\nwrote ${writeRecord(root, record)}`);
  process.exit(0);
}

await main();
