import { expect } from 'vitest';
import { fromTypedArray, runKernel, type KernelAttrs, type Tensor } from '@webgrad/core-tensor';

// Conformance of a fused kernel whose op is defined by another package (the LSTM/GRU cells,
// layer norm, optimizer updates): the webgpu kernel against the cpu kernel on the same inputs.
// Shared by those packages' WebGPU tests, which import it like webgpu-under-test.ts.

/** One input of a kernel case: its shape and values (uniform in [−scale, scale) unless given). */
export interface FusedInput {
  readonly shape: readonly number[];
  readonly values?: Float32Array;
  readonly scale?: number;
}

/** Allowed difference per element: |gpu − cpu| ≤ atol + rtol·|cpu|. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** `n` reproducible values uniform in [−scale, scale) (a linear congruential stream from `seed`). */
export function hostValues(n: number, seed: number, scale = 1): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    out[i] = (a / 4294967296 - 0.5) * 2 * scale;
  }
  return out;
}

/**
 * Runs `op` on the cpu and on webgpu with the same float32 inputs and asserts
 * every output has the cpu's shape and values within `tol`, naming the worst
 * element. Returns the largest difference seen (for the tolerance comment).
 */
export async function expectGpuMatchesCpu(
  op: string,
  inputs: readonly FusedInput[],
  attrs: KernelAttrs,
  tol: Tolerance,
): Promise<number> {
  const host = inputs.map(
    (x, k) =>
      x.values ??
      hostValues(
        x.shape.reduce((a, b) => a * b, 1),
        1000 + 17 * k,
        x.scale ?? 1,
      ),
  );
  const on = (backend: string): Tensor[] =>
    host.map((v, k) => fromTypedArray(v, inputs[k]!.shape.slice(), { backend }));
  const cpuIn = on('cpu');
  const gpuIn = on('webgpu');
  const want = runKernel(op, cpuIn, attrs);
  const got = runKernel(op, gpuIn, attrs);
  expect(got.length, `${op}: outputs`).toBe(want.length);
  let largest = 0;
  for (let o = 0; o < want.length; o++) {
    expect(got[o]!.backend.name).toBe('webgpu');
    expect(got[o]!.shape, `${op} output ${o}: shape`).toEqual(want[o]!.shape);
    const g = await got[o]!.data();
    const w = want[o]!.dataSync();
    let worst = 0;
    let at = -1;
    for (let i = 0; i < w.length; i++) {
      const d = Math.abs(g[i]! - w[i]!);
      largest = Math.max(largest, d);
      const excess = d - (tol.atol + tol.rtol * Math.abs(w[i]!));
      if (!(excess <= worst)) [worst, at] = [Number.isNaN(excess) ? Infinity : excess, i];
    }
    expect(
      worst,
      `${op} output ${o}: element ${at} is ${g[at]} on webgpu, ${w[at]} on the cpu`,
    ).toBeLessThanOrEqual(0);
  }
  for (const t of [...cpuIn, ...gpuIn, ...want, ...got]) t.dispose();
  return largest;
}

/**
 * Asserts that each webgpu tensor in `got` equals the cpu tensor at the same
 * place in `want` within `tol` (outputs and gradients of a layer or training
 * run on both backends).
 */
export async function expectTensorsClose(
  got: readonly Tensor[],
  want: readonly Tensor[],
  tol: Tolerance,
): Promise<void> {
  expect(got.length).toBe(want.length);
  for (let k = 0; k < want.length; k++) {
    expect(got[k]!.backend.name, `tensor ${k}`).toBe('webgpu');
    const g = await got[k]!.data();
    const w = want[k]!.dataSync();
    expect(g.length, `tensor ${k}: size`).toBe(w.length);
    for (let i = 0; i < w.length; i++) {
      expect(
        Math.abs(g[i]! - w[i]!),
        `tensor ${k} element ${i}: ${g[i]} on webgpu, ${w[i]} on the cpu`,
      ).toBeLessThanOrEqual(tol.atol + tol.rtol * Math.abs(w[i]!));
    }
  }
}
