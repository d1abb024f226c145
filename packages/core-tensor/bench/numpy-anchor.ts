import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Timing } from './timing.js';

/** What the optional numpy run gave: medians per case key, or why it was skipped. */
export interface NumpyAnchor {
  /** Medians by case key (empty when skipped). */
  timings: Record<string, Timing>;
  /** numpy and BLAS versions, when it ran. */
  meta: Record<string, string>;
  /** Why the anchor is missing, when it is. */
  skipped?: string;
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'numpy_anchor.py');

/**
 * Runs `numpy_anchor.py` (hand-written numpy on OpenBLAS) for `keys`. The
 * OpenBLAS tuning variables some machines export (`OPENBLAS_CORETYPE`,
 * `OPENBLAS_L2_SIZE`) are removed for this one command only, so OpenBLAS
 * picks its kernels for the CPU it actually runs on.
 */
export function runNumpyAnchor(keys: readonly string[], quick: boolean): NumpyAnchor {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  for (const python of ['python3', '/usr/bin/python3']) {
    const probe = spawnSync(python, ['-c', 'import numpy'], { env, encoding: 'utf8' });
    if (probe.status !== 0) continue;
    const r = spawnSync(python, [script, ...(quick ? ['--quick'] : []), ...keys], { env, encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) return { timings: {}, meta: {}, skipped: `numpy_anchor.py failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
    const parsed = JSON.parse(r.stdout) as Record<string, { medianMs: number; runs: number } | Record<string, string>>;
    const { _meta, ...rest } = parsed;
    const timings: Record<string, Timing> = {};
    for (const [k, v] of Object.entries(rest)) {
      const t = v as { medianMs: number; runs: number };
      timings[k] = { medianMs: t.medianMs, minMs: Number.NaN, runs: t.runs };
    }
    return { timings, meta: { python, ...(_meta as Record<string, string>) } };
  }
  return { timings: {}, meta: {}, skipped: 'no python3 with numpy found (the native anchor is optional)' };
}
