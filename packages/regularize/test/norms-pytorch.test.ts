import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '@webgrad/core-tensor';
import type { Module } from '@webgrad/nn';
import {
  BatchNorm1d,
  BatchNorm2d,
  GroupNorm,
  LayerNorm,
  type FloatDType,
} from '@webgrad/regularize';
import { expectClose, type FixtureTensor } from './close-to.js';
import { acquireWebgpu, onBackend } from './webgpu-availability.js';

interface Step {
  mode: 'train' | 'eval';
  x: FixtureTensor;
  r: FixtureTensor;
  y: FixtureTensor;
  dx: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  buffers: Record<string, FixtureTensor>;
}
interface Case {
  name: string;
  options: Record<string, unknown> & { kind: string };
  init: Record<string, FixtureTensor>;
  steps: Step[];
}

const fixture = JSON.parse(
  readFileSync(new URL('./fixtures/norms.json', import.meta.url), 'utf8'),
) as { cases: Case[] };

function build(options: Case['options'], dtype: FloatDType): Module<[Tensor], Tensor> {
  const { kind, ...o } = options as unknown as Record<string, never>;
  switch (kind as string) {
    case 'BatchNorm1d':
      return new BatchNorm1d(o.numFeatures, { ...o, dtype });
    case 'BatchNorm2d':
      return new BatchNorm2d(o.numFeatures, { ...o, dtype });
    case 'LayerNorm':
      return new LayerNorm(o.normalizedShape, { ...o, dtype });
    case 'GroupNorm':
      return new GroupNorm(o.numGroups, o.numChannels, { ...o, dtype });
  }
  throw new Error(`unknown kind ${kind}`);
}

const fromFixture = (t: FixtureTensor, dtype: FloatDType, requiresGrad = false): Tensor =>
  tensor(Float64Array.from(t.data), { shape: t.shape, dtype, requiresGrad });

const gpu = await acquireWebgpu();

/** Runs every fixture case on `backend` in `dtype`, reading results back asynchronously (as WebGPU needs). */
async function checkCase(c: Case, backend: string, dtype: FloatDType, tol: number): Promise<void> {
  await onBackend(backend, async () => {
    const layer = build(c.options, dtype);
    const init = Object.fromEntries(
      Object.entries(c.init).map(([k, v]) => [k, fromFixture(v, dtype)]),
    );
    const bufferNames = c.steps[0]!.buffers.num_batches_tracked ? ['num_batches_tracked'] : [];
    expect(Object.keys(layer.stateDict()).sort()).toEqual(
      Object.keys(c.init).concat(bufferNames).sort(),
    );
    layer.loadStateDict(init, false);
    for (const [s, step] of c.steps.entries()) {
      const what = `${c.name} step ${s} (${step.mode}) on ${backend}`;
      layer.train(step.mode === 'train');
      layer.zeroGrad();
      const x = fromFixture(step.x, dtype, true);
      const y = layer.forward(x);
      expect(y.backend.name).toBe(backend);
      y.mul(fromFixture(step.r, dtype)).sum().backward();
      expectClose(await y.data(), step.y.data, tol, `${what} output`);
      expectClose(await x.grad!.data(), step.dx.data, tol, `${what} dL/dx`);
      const params = Object.fromEntries(layer.namedParameters());
      expect(Object.keys(params).sort()).toEqual(Object.keys(step.grads).sort());
      for (const [k, g] of Object.entries(step.grads))
        expectClose(await params[k]!.grad!.data(), g.data, tol, `${what} dL/d${k}`);
      const buffers = Object.fromEntries(layer.namedBuffers());
      expect(Object.keys(buffers).sort()).toEqual(Object.keys(step.buffers).sort());
      for (const [k, b] of Object.entries(step.buffers))
        expectClose(await buffers[k]!.data(), b.data, tol, `${what} ${k}`);
    }
  });
}

const cases = fixture.cases.map((c) => [c.name, c] as const);

describe.each([
  ['float32', 1e-5],
  ['float64', 1e-10],
] as const)(
  'normalisation layers against PyTorch 1.13 on the CPU (%s, tolerance %s)',
  (dtype, tol) => {
    it.each(cases)('%s: outputs, gradients and running statistics at every step', (_, c) =>
      checkCase(c, 'cpu', dtype, tol),
    );
  },
);

describe.skipIf(!gpu.available)(
  gpu.available
    ? 'normalisation layers against PyTorch 1.13 on WebGPU (float32, tolerance 1e-5)'
    : `normalisation layers on WebGPU — skipped: no WebGPU adapter (${gpu.reason})`,
  () => {
    it.each(cases)('%s: outputs, gradients and running statistics at every step', (_, c) =>
      checkCase(c, 'webgpu', 'float32', 1e-5),
    );
  },
);
