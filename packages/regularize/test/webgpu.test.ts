import { describe, expect, it } from 'vitest';
import { Generator, randn, tensor, toBackend, zeros, type Tensor } from '@webgrad/core-tensor';
import {
  alphaDropout,
  clipGradNorm,
  dropout,
  dropout2d,
  gaussianNoise,
  l1Penalty,
  l2Penalty,
  sparsityPenalty,
} from '@webgrad/regularize';
import { expectClose } from './close-to.js';
import { acquireWebgpu } from './webgpu-availability.js';

const gpu = await acquireWebgpu();

/** `f` on the CPU and on WebGPU with the same input and the same seed. */
async function bothBackends(
  f: (x: Tensor, generator: Generator) => Tensor,
  x: Tensor,
): Promise<[Float32Array, Float32Array]> {
  const cpu = f(x, new Generator(123));
  const onGpu = f(toBackend(x, 'webgpu'), new Generator(123));
  expect(onGpu.backend.name).toBe('webgpu');
  return [(await cpu.data()) as Float32Array, (await onGpu.data()) as Float32Array];
}

describe.skipIf(!gpu.available)(
  gpu.available
    ? 'regularizers on WebGPU'
    : `regularizers on WebGPU — skipped: no WebGPU adapter (${gpu.reason})`,
  () => {
    it.each([
      ['dropout', (x: Tensor, generator: Generator) => dropout(x, 0.3, true, { generator })],
      ['dropout2d', (x: Tensor, generator: Generator) => dropout2d(x, 0.5, true, { generator })],
      [
        'alphaDropout',
        (x: Tensor, generator: Generator) => alphaDropout(x, 0.2, true, { generator }),
      ],
      [
        'gaussianNoise',
        (x: Tensor, generator: Generator) => gaussianNoise(x, 0.7, true, { generator }),
      ],
    ] as const)(
      '%s draws the same mask/noise from the Philox stream as on the CPU',
      async (_, f) => {
        const [cpu, onGpu] = await bothBackends(f, randn([2, 3, 4, 5]));
        expectClose(onGpu, cpu, 1e-6, 'WebGPU vs CPU');
      },
    );

    it('clipGradNorm clips WebGPU gradients like the CPU does', async () => {
      const make = (backend: string) =>
        [
          tensor([
            [3, -4],
            [1, 2],
          ]),
          tensor([0.5, -6]),
        ].map((g) => {
          const p = zeros(g.shape, { requiresGrad: true, backend });
          p.grad = toBackend(g, backend);
          return p;
        });
      const [cpu, onGpu] = [make('cpu'), make('webgpu')];
      expectClose(
        await clipGradNorm(onGpu, 2).data(),
        await clipGradNorm(cpu, 2).data(),
        1e-6,
        'total norm',
      );
      for (let i = 0; i < 2; i++)
        expectClose(
          await onGpu[i]!.grad!.data(),
          await cpu[i]!.grad!.data(),
          1e-6,
          `gradient ${i}`,
        );
    });

    it('penalties evaluate on WebGPU tensors', async () => {
      const w = toBackend(
        tensor([
          [1, -2],
          [0.5, 3],
        ]),
        'webgpu',
      );
      expect(await l1Penalty([w], 0.5).itemAsync()).toBeCloseTo(3.25, 5);
      expect(await l2Penalty([w], 0.5).itemAsync()).toBeCloseTo(0.25 * 14.25, 5);
      const h = toBackend(
        tensor([
          [0.1, 0.3],
          [0.3, 0.5],
        ]),
        'webgpu',
      );
      expect(await sparsityPenalty(h, 0.2).itemAsync()).toBeCloseTo(
        sparsityPenalty(
          tensor([
            [0.1, 0.3],
            [0.3, 0.5],
          ]),
          0.2,
        ).item(),
        5,
      );
    });
  },
);
